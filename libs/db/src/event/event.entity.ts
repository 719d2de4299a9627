import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { EventObjectType } from '@grove/core';

/**
 * What users read about their clusters. An action writes one at its start and one at its end
 * (`status` = start/end/error); a status change of a node or cluster writes one whose `status`
 * is the new status.
 */
@Entity('event')
@Index(['project', 'timestamp'])
@Index(['oid'])
@Index(['clusterId'])
export class EventEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ type: 'timestamptz' }) timestamp!: Date;
  @Column({ type: 'uuid' }) oid!: string;
  @Column({ type: 'varchar', length: 255 }) oname!: string;
  @Column({ type: 'varchar', length: 16 }) otype!: EventObjectType;
  @Column({ type: 'uuid', nullable: true }) clusterId!: string | null;
  /** Python logging level number, as Senlin stores it. */
  @Column('int') level!: number;
  @Column({ type: 'varchar', length: 64 }) userId!: string;
  @Column({ type: 'varchar', length: 64 }) project!: string;
  /** The action name (or operation name for *_OPERATION). */
  @Column({ type: 'varchar', length: 64, nullable: true }) action!: string | null;
  @Column({ type: 'varchar', length: 255 }) status!: string;
  @Column({ type: 'text', default: '' }) statusReason!: string;
  @Column({ type: 'jsonb', default: () => "'{}'" }) metaData!: Record<string, unknown>;
  /** The action that wrote it, for the notification; null for events no action wrote. */
  @Column({ type: 'uuid', nullable: true }) actionId?: string | null;
  /** Set once the event went out on the notification exchange; unset (the default) when written. */
  @Column({ type: 'boolean', default: false }) published?: boolean;
}
