import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { sql, toEntities } from '../rows';
import { HealthRegistryEntity } from './health-registry.entity';

export type HealthRegistration = Pick<
  HealthRegistryEntity,
  'clusterId' | 'policyId' | 'checkTypes' | 'interval' | 'params' | 'enabled'
>;

@Injectable()
export class HealthRegistryRepository {
  constructor(private readonly ds: DataSource) {}

  async get(clusterId: string, em: EntityManager = this.ds.manager): Promise<HealthRegistryEntity | null> {
    const { rows } = await sql(em, `SELECT * FROM health_registry WHERE cluster_id = $1`, [clusterId]);
    return toEntities(this.ds, HealthRegistryEntity, rows)[0] ?? null;
  }

  /** Registers the cluster for checking (paused unless `enabled`), replacing an earlier registration. */
  async register(r: HealthRegistration, em: EntityManager = this.ds.manager): Promise<void> {
    await sql(
      em,
      `INSERT INTO health_registry (cluster_id, policy_id, check_types, interval, params, enabled)
       VALUES ($1, $2, $3::text[], $4, $5::jsonb, $6)
       ON CONFLICT (cluster_id) DO UPDATE SET policy_id = $2, check_types = $3::text[], interval = $4,
         params = $5::jsonb, enabled = $6, updated_at = now()`,
      [r.clusterId, r.policyId, r.checkTypes, r.interval, JSON.stringify(r.params), r.enabled],
    );
  }

  async unregister(clusterId: string, em: EntityManager = this.ds.manager): Promise<void> {
    await sql(em, `DELETE FROM health_registry WHERE cluster_id = $1`, [clusterId]);
  }

  /** Pauses or resumes checking; false when the cluster is not registered. */
  async setEnabled(clusterId: string, enabled: boolean, em: EntityManager = this.ds.manager): Promise<boolean> {
    const { count } = await sql(
      em,
      `UPDATE health_registry SET enabled = $2, updated_at = now() WHERE cluster_id = $1`,
      [clusterId, enabled],
    );
    return count === 1;
  }
}
