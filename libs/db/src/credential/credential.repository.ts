import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sql } from '../rows';
import { CredentialEntity } from './credential.entity';

@Injectable()
export class CredentialRepository {
  constructor(private readonly ds: DataSource) {}

  async trustOf(userId: string, project: string): Promise<string | null> {
    const row = await this.ds.manager.findOneBy(CredentialEntity, { userId, project });
    return row?.trustId ?? null;
  }

  /**
   * Keeps the first trust recorded for the pair: two first requests racing each make a trust,
   * and both then use the one that won (the other is left unused in Keystone, as Senlin leaves it).
   */
  async record(userId: string, project: string, trustId: string): Promise<string> {
    const { rows } = await sql<{ trust_id: string }>(
      this.ds,
      `INSERT INTO credential (user_id, project, trust_id, created_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (user_id, project) DO UPDATE SET user_id = credential.user_id
       RETURNING trust_id`,
      [userId, project, trustId],
    );
    return rows[0].trust_id;
  }

  /** Forgets a trust Keystone no longer honours, so the user's next request makes a new one. */
  async forget(userId: string, project: string, trustId: string): Promise<void> {
    await this.ds.manager.delete(CredentialEntity, { userId, project, trustId });
  }
}
