import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { NodeStatus } from '@grove/core';

@Entity('node')
@Index(['project', 'name'])
@Index(['clusterId'])
export class NodeEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ type: 'varchar', length: 255 }) name!: string;
  /** The cloud resource (server, stack, container) id; null until the cloud returned one. */
  @Index() @Column({ type: 'varchar', length: 255, nullable: true }) physicalId!: string | null;
  /** Null for an orphan node (shown as "" on the wire). */
  @Column({ type: 'uuid', nullable: true }) clusterId!: string | null;
  @Column('uuid') profileId!: string;
  @Column({ type: 'varchar', length: 64 }) userId!: string;
  @Column({ type: 'varchar', length: 64 }) project!: string;
  @Column({ type: 'varchar', length: 64, nullable: true }) domain!: string | null;
  /** Position in the cluster; -1 for orphans. */
  @Column('int') index!: number;
  @Column({ type: 'varchar', length: 64, nullable: true }) role!: string | null;
  @Column({ type: 'timestamptz' }) initAt!: Date;
  @Column({ type: 'timestamptz', nullable: true }) createdAt!: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) updatedAt!: Date | null;
  @Column({ type: 'boolean', default: false }) tainted!: boolean;
  /** Scale-in protection (Grove): shrinks and the deletion policy never pick it; del_nodes needs force. */
  @Column({ type: 'boolean', default: false }) protected!: boolean;
  @Column({ type: 'varchar', length: 32 }) status!: NodeStatus;
  @Column({ type: 'text', default: '' }) statusReason!: string;
  @Column({ type: 'jsonb', default: () => "'{}'" }) metadata!: Record<string, unknown>;
  @Column({ type: 'jsonb', default: () => "'{}'" }) data!: Record<string, unknown>;
  @Column({ type: 'jsonb', default: () => "'{}'" }) dependents!: Record<string, unknown>;
}

/** What a new node row needs; everything else starts as Senlin's INIT node does. */
export type NewNode = Pick<
  NodeEntity,
  'id' | 'name' | 'clusterId' | 'profileId' | 'userId' | 'project' | 'domain' | 'index'
> &
  Partial<NodeEntity>;

/** A node row in INIT, not yet created in the cloud: the one builder of node rows. */
export function newNode(o: NewNode): NodeEntity {
  return Object.assign(new NodeEntity(), {
    physicalId: null,
    role: null,
    initAt: new Date(),
    createdAt: null,
    updatedAt: null,
    tainted: false,
    protected: false,
    status: 'INIT',
    statusReason: 'Initializing',
    metadata: {},
    data: {},
    dependents: {},
    ...o,
  } satisfies NodeEntity);
}
