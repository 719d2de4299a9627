import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A policy: a rule a cluster follows once it is attached. Immutable but for its name. */
@Entity('policy')
@Index(['project', 'name'])
export class PolicyEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ type: 'varchar', length: 255 }) name!: string;
  /** The registry key, `senlin.policy.scaling-1.0`. */
  @Column({ type: 'varchar', length: 255 }) type!: string;
  /** The spec as the user sent it: `{type, version, description?, properties}`. */
  @Column({ type: 'jsonb' }) spec!: Record<string, unknown>;
  @Column({ type: 'jsonb', default: () => "'{}'" }) data!: Record<string, unknown>;
  @Column({ type: 'varchar', length: 64 }) userId!: string;
  @Column({ type: 'varchar', length: 64 }) project!: string;
  @Column({ type: 'varchar', length: 64, nullable: true }) domain!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @Column({ type: 'timestamptz', nullable: true }) updatedAt!: Date | null;
}

/** A policy attached to a cluster, with what the policy keeps about that cluster (`data`). */
@Entity('cluster_policy')
@Index(['policyId'])
export class ClusterPolicyEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid') clusterId!: string;
  @Column('uuid') policyId!: string;
  @Column({ type: 'boolean', default: true }) enabled!: boolean;
  /** Lower runs first; the policy type's priority at attach time. */
  @Column('int') priority!: number;
  /** Senlin's shape: `{"<PolicyClass>": {"version": "1.0", "data": {...}}}`. */
  @Column({ type: 'jsonb', default: () => "'{}'" }) data!: Record<string, unknown>;
  /** When a scaling action last ended with this binding attached (the cooldown's start). */
  @Column({ type: 'timestamptz', nullable: true }) lastOp!: Date | null;
}
