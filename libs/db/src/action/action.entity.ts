import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ActionCause, ActionControl, ActionName, ActionStatus } from '@grove/core';

/** What the engine remembers of the request that caused an action. Never holds credentials. */
export interface ActionRequestContext {
  requestId: string | null;
  userId: string;
  projectId: string;
  domainId: string | null;
  roles: string[];
  isAdmin: boolean;
}

/** The one way anything changes: a unit of work with a target, inputs, a status and a reason. */
@Entity('action')
@Index(['target', 'status'])
@Index(['project', 'createdAt'])
@Index(['clusterId'])
export class ActionEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ type: 'varchar', length: 255 }) name!: string;
  /** The cluster the action concerns, if any (shown from microversion 1.14). */
  @Column({ type: 'uuid', nullable: true }) clusterId!: string | null;
  /** The cluster or node acted on. */
  @Column('uuid') target!: string;
  @Column({ type: 'varchar', length: 64 }) action!: ActionName;
  @Column({ type: 'varchar', length: 64 }) cause!: ActionCause;
  /** The engine running it now (RUNNING only); null otherwise. */
  @Column({ type: 'uuid', nullable: true }) owner!: string | null;
  @Column({ type: 'int', default: -1 }) interval!: number;
  @Column({ type: 'timestamptz', nullable: true }) startTime!: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) endTime!: Date | null;
  /** Seconds the action may take from its first start. */
  @Column('int') timeout!: number;
  @Column({ type: 'varchar', length: 32 }) status!: ActionStatus;
  @Column({ type: 'text', default: '' }) statusReason!: string;
  /** A signal from the api that the engine honours at its next step. */
  @Column({ type: 'varchar', length: 16, nullable: true }) control!: ActionControl | null;
  /**
   * Where a cluster action resumes once the children it waits for have ended. Internal to the
   * engine, so it is kept out of `data`, which users read.
   */
  @Column({ type: 'varchar', length: 64, nullable: true }) step!: string | null;
  /** The children of the current step, whose outcomes the handler reads when it resumes. */
  @Column('uuid', { array: true, default: () => "'{}'" }) awaiting!: string[];
  /** Times the action went back to READY because a lock was busy or its engine died. */
  @Column({ type: 'int', default: 0 }) retries!: number;
  /** Raised by every claim and takeover: the fencing token of the engine that runs it now (Claim). */
  @Column({ type: 'int', default: 0 }) epoch!: number;
  @Column({ type: 'jsonb', default: () => "'{}'" }) inputs!: Record<string, unknown>;
  @Column({ type: 'jsonb', default: () => "'{}'" }) outputs!: Record<string, unknown>;
  @Column({ type: 'jsonb', default: () => "'{}'" }) data!: Record<string, unknown>;
  @Column({ type: 'jsonb' }) context!: ActionRequestContext;
  @Column({ type: 'varchar', length: 64 }) userId!: string;
  @Column({ type: 'varchar', length: 64 }) project!: string;
  @Column({ type: 'varchar', length: 64, nullable: true }) domain!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @Column({ type: 'timestamptz', nullable: true }) updatedAt!: Date | null;
}

/** `depended` (a child) must end before `dependent` (its parent) may go on. */
@Entity('dependency')
@Index(['dependent'])
export class DependencyEntity {
  @PrimaryColumn('uuid') depended!: string;
  @PrimaryColumn('uuid') dependent!: string;
}

/** What a new action row needs; everything else starts as a READY action that never ran. */
export type NewAction = Pick<
  ActionEntity,
  'id' | 'name' | 'clusterId' | 'target' | 'action' | 'cause' | 'timeout' | 'context' | 'userId' | 'project' | 'domain'
> &
  Partial<ActionEntity>;

/** An action row READY to run: the one builder of action rows. */
export function newAction(o: NewAction): ActionEntity {
  const now = new Date();
  return Object.assign(new ActionEntity(), {
    owner: null,
    interval: -1,
    startTime: null,
    endTime: null,
    status: 'READY',
    statusReason: '',
    control: null,
    step: null,
    awaiting: [],
    retries: 0,
    epoch: 0,
    inputs: {},
    outputs: {},
    data: {},
    createdAt: now,
    updatedAt: now,
    ...o,
  } satisfies ActionEntity);
}
