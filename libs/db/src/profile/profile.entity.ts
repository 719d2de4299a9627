import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { SEALED_JSON } from '../sealed-columns';

/** A profile: what one node is. Immutable but for name and metadata. */
@Entity('profile')
@Index(['project', 'name'])
export class ProfileEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ type: 'varchar', length: 255 }) name!: string;
  /** The registry key, `os.nova.server-1.0`. */
  @Column({ type: 'varchar', length: 255 }) type!: string;
  /** The spec as the user sent it: `{type, version, properties}`; its secret fields sealed in the table. */
  @Column({ type: 'jsonb', transformer: SEALED_JSON }) spec!: Record<string, unknown>;
  @Column({ type: 'jsonb', default: () => "'{}'" }) metadata!: Record<string, unknown>;
  @Column({ type: 'varchar', length: 64 }) userId!: string;
  @Column({ type: 'varchar', length: 64 }) project!: string;
  @Column({ type: 'varchar', length: 64, nullable: true }) domain!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @Column({ type: 'timestamptz', nullable: true }) updatedAt!: Date | null;
}
