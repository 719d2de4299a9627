import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A Keystone trust from a user, in one project, to Grove's service user: the engine works in
 * that user's project through it (Senlin's `credential` table). Made on the user's first request.
 */
@Entity('credential')
export class CredentialEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 }) userId!: string;
  @PrimaryColumn({ type: 'varchar', length: 64 }) project!: string;
  @Column({ type: 'varchar', length: 64 }) trustId!: string;
  @Column({ type: 'timestamptz' }) createdAt!: Date;
}
