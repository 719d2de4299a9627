import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { SEALED_TEXT } from '../sealed-columns';

export const RECEIVER_TYPES = ['webhook', 'message'] as const;
export type ReceiverType = (typeof RECEIVER_TYPES)[number];

/** A webhook or message queue that, when it receives something, starts an action on a cluster. */
@Entity('receiver')
@Index(['project', 'name'])
@Index(['clusterId'])
export class ReceiverEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ type: 'varchar', length: 255 }) name!: string;
  @Column({ type: 'varchar', length: 32 }) type!: ReceiverType;
  /** The target of a webhook; null for message receivers (each message names its cluster). */
  @Column({ type: 'uuid', nullable: true }) clusterId!: string | null;
  /** The cluster action a webhook starts (`CLUSTER_SCALE_OUT`); null for message receivers. */
  @Column({ type: 'varchar', length: 64, nullable: true }) action!: string | null;
  /** Inputs of the action, overlaid by what a trigger sends. */
  @Column({ type: 'jsonb', default: () => "'{}'" }) params!: Record<string, unknown>;
  @Column({ type: 'jsonb', default: () => "'{}'" }) actor!: Record<string, unknown>;
  /** How to reach it: `{alarm_url}` or `{queue_name, …}`. */
  @Column({ type: 'jsonb', default: () => "'{}'" }) channel!: Record<string, unknown>;
  /** The HMAC key of a signed webhook (Grove); null for Senlin's unsigned ones. Never shown. */
  @Column({ type: 'text', nullable: true, transformer: SEALED_TEXT }) secret!: string | null;
  @Column({ type: 'varchar', length: 64 }) userId!: string;
  @Column({ type: 'varchar', length: 64 }) project!: string;
  @Column({ type: 'varchar', length: 64, nullable: true }) domain!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @Column({ type: 'timestamptz', nullable: true }) updatedAt!: Date | null;
}

/** The action a trigger with an `Idempotency-Key` made, so a retry of it returns the same action. */
@Entity('webhook_trigger')
export class WebhookTriggerEntity {
  @PrimaryColumn('uuid') receiverId!: string;
  @PrimaryColumn({ type: 'varchar', length: 255 }) idempotencyKey!: string;
  @Column('uuid') actionId!: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
