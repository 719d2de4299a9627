import { Column, Entity, PrimaryColumn } from 'typeorm';

export const SERVICE_BINARIES = ['grove-api', 'grove-engine', 'grove-health-manager'] as const;
export type ServiceBinary = (typeof SERVICE_BINARIES)[number];

/** A running Grove process; `updatedAt` is its heartbeat. */
@Entity('service')
export class ServiceEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ type: 'varchar', length: 255 }) host!: string;
  @Column({ type: 'varchar', length: 255 }) binary!: ServiceBinary;
  @Column({ type: 'varchar', length: 255 }) topic!: string;
  @Column({ type: 'boolean', default: false }) disabled!: boolean;
  @Column({ type: 'varchar', length: 255, nullable: true }) disabledReason!: string | null;
  @Column({ type: 'timestamptz' }) createdAt!: Date;
  @Column({ type: 'timestamptz' }) updatedAt!: Date;
  /** Since when its heartbeat has had no gap longer than its lease (reset by a late beat). */
  @Column({ type: 'timestamptz' }) freshSince!: Date;
}
