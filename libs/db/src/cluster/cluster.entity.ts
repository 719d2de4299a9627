import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ClusterStatus } from '@grove/core';

@Entity('cluster')
@Index(['project', 'name'])
export class ClusterEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ type: 'varchar', length: 255 }) name!: string;
  @Column('uuid') profileId!: string;
  @Column({ type: 'varchar', length: 64 }) userId!: string;
  @Column({ type: 'varchar', length: 64 }) project!: string;
  @Column({ type: 'varchar', length: 64, nullable: true }) domain!: string | null;
  @Column({ type: 'timestamptz' }) initAt!: Date;
  /** Stamped when the create action finishes successfully; null before. */
  @Column({ type: 'timestamptz', nullable: true }) createdAt!: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) updatedAt!: Date | null;
  @Column('int') minSize!: number;
  /** -1 = unbounded. */
  @Column('int') maxSize!: number;
  @Column('int') desiredCapacity!: number;
  /** The index the next member node gets; only ever grows. */
  @Column({ type: 'int', default: 1 }) nextIndex!: number;
  /** Seconds a cluster action may take. */
  @Column('int') timeout!: number;
  @Column({ type: 'varchar', length: 32 }) status!: ClusterStatus;
  @Column({ type: 'text', default: '' }) statusReason!: string;
  @Column({ type: 'jsonb', default: () => "'{}'" }) metadata!: Record<string, unknown>;
  @Column({ type: 'jsonb', default: () => "'{}'" }) data!: Record<string, unknown>;
  @Column({ type: 'jsonb', default: () => "'{}'" }) dependents!: Record<string, unknown>;
  @Column({ type: 'jsonb', default: () => "'{}'" }) config!: Record<string, unknown>;
}
