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

  /**
   * One lease round of health-manager `me`, in one statement: it renews the leases it holds,
   * gives back those beyond its fair share (the registrations divided by the `instances` alive),
   * and takes free or expired ones up to that share, skipping rows another instance is taking at
   * the same moment. Returns the registrations it holds afterwards.
   */
  async leaseRound(me: string, leaseS: number, instances: number): Promise<HealthRegistryEntity[]> {
    return this.ds.transaction(async (em) => {
      const share = (param: string) =>
        `(SELECT ceil(count(*)::numeric / GREATEST(${param}::int, 1)) FROM health_registry)`;
      await sql(
        em,
        `UPDATE health_registry SET owner = NULL, lease_until = NULL
         WHERE cluster_id IN (
           SELECT cluster_id FROM health_registry WHERE owner = $1 AND lease_until > now()
           ORDER BY cluster_id DESC
           OFFSET ${share('$2')} FOR UPDATE)`,
        [me, instances],
      );
      await sql(
        em,
        `UPDATE health_registry SET lease_until = now() + make_interval(secs => $2)
         WHERE owner = $1 AND lease_until > now()`,
        [me, leaseS],
      );
      await sql(
        em,
        `UPDATE health_registry SET owner = $1, lease_until = now() + make_interval(secs => $2)
         WHERE cluster_id IN (
           SELECT cluster_id FROM health_registry
           WHERE owner IS NULL OR lease_until IS NULL OR lease_until <= now()
           ORDER BY cluster_id
           LIMIT GREATEST(${share('$3')} - (SELECT count(*) FROM health_registry WHERE owner = $1 AND lease_until > now()), 0)
           FOR UPDATE SKIP LOCKED)`,
        [me, leaseS, instances],
      );
      const { rows } = await sql(em, `SELECT * FROM health_registry WHERE owner = $1 ORDER BY cluster_id`, [me]);
      return toEntities(this.ds, HealthRegistryEntity, rows);
    });
  }

  /** Gives back every lease of `me` (a clean shutdown), so another instance takes them at once. */
  async releaseAll(me: string): Promise<void> {
    await sql(this.ds.manager, `UPDATE health_registry SET owner = NULL, lease_until = NULL WHERE owner = $1`, [me]);
  }

  async count(): Promise<number> {
    const { rows } = await sql<{ n: string }>(this.ds.manager, `SELECT count(*) AS n FROM health_registry`);
    return Number(rows[0].n);
  }
}
