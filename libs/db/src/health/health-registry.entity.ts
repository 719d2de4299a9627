import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A cluster whose health policy asks the health manager to watch it. Written by the engine when
 * the policy is attached, enabled or disabled; claimed by health-manager instances (`owner`,
 * `leaseUntil`).
 */
@Entity('health_registry')
export class HealthRegistryEntity {
  @PrimaryColumn('uuid') clusterId!: string;
  @Column('uuid') policyId!: string;
  /** Detection modes: NODE_STATUS_POLLING, NODE_STATUS_POLL_URL, LIFECYCLE_EVENTS, HYPERVISOR_STATUS_POLLING. */
  @Column('text', { array: true }) checkTypes!: string[];
  /** Seconds between checks. */
  @Column('int') interval!: number;
  /** The health policy's binding data plus the recovery action. */
  @Column({ type: 'jsonb', default: () => "'{}'" }) params!: Record<string, unknown>;
  /** False while the policy is disabled, or while an action that shrinks or updates the cluster runs. */
  @Column({ type: 'boolean', default: true }) enabled!: boolean;
  @Column({ type: 'uuid', nullable: true }) owner!: string | null;
  @Column({ type: 'timestamptz', nullable: true }) leaseUntil!: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @Column({ type: 'timestamptz', nullable: true }) updatedAt!: Date | null;
}
