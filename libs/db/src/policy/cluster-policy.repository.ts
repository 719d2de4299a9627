import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { insertRows, sql, toEntities } from '../rows';
import { ClusterPolicyEntity, PolicyEntity } from './policy.entity';

/** A binding with the names the api shows and the policy the engine runs. */
export interface BoundPolicy {
  binding: ClusterPolicyEntity;
  policy: PolicyEntity;
  clusterName: string;
}

/** What a list of a cluster's bindings may filter and sort on (`GET /v1/clusters/{id}/policies`). */
export interface BindingQuery {
  enabled?: boolean;
  policyName?: readonly string[];
  policyType?: readonly string[];
  sort?: { column: 'enabled' | 'priority' | 'policy_name' | 'policy_type'; dir: 'asc' | 'desc' }[];
}

const BINDING_COLUMNS = `b.id AS b_id, b.cluster_id AS b_cluster_id, b.policy_id AS b_policy_id, b.enabled AS b_enabled,
  b.priority AS b_priority, b.data AS b_data, b.last_op AS b_last_op, c.name AS cluster_name, p.*`;

/** The sort expression of each binding sort key. */
const SORT_SQL = { enabled: 'b.enabled', priority: 'b.priority', policy_name: 'p.name', policy_type: 'p.type' };

@Injectable()
export class ClusterPolicyRepository {
  constructor(private readonly ds: DataSource) {}

  /** The cluster's bindings, each with its policy; in priority order unless `q.sort` says otherwise. */
  async forCluster(
    clusterId: string,
    q: BindingQuery = {},
    em: EntityManager = this.ds.manager,
  ): Promise<BoundPolicy[]> {
    const params: unknown[] = [clusterId];
    const conds = ['b.cluster_id = $1'];
    if (q.enabled !== undefined) {
      params.push(q.enabled);
      conds.push(`b.enabled = $${params.length}`);
    }
    if (q.policyName?.length) {
      params.push(q.policyName);
      conds.push(`p.name = ANY($${params.length}::text[])`);
    }
    if (q.policyType?.length) {
      params.push(q.policyType);
      conds.push(`p.type = ANY($${params.length}::text[])`);
    }
    const order = (q.sort?.length ? q.sort : [{ column: 'priority' as const, dir: 'asc' as const }]).map(
      (s) => `${SORT_SQL[s.column]} ${s.dir === 'desc' ? 'DESC NULLS LAST' : 'ASC NULLS FIRST'}`,
    );
    const { rows } = await sql(
      em,
      `SELECT ${BINDING_COLUMNS} FROM cluster_policy b JOIN policy p ON p.id = b.policy_id JOIN cluster c ON c.id = b.cluster_id
       WHERE ${conds.join(' AND ')} ORDER BY ${[...order, 'b.priority ASC', 'b.id ASC'].join(', ')}`,
      params,
    );
    return rows.map((r) => this.bound(r));
  }

  /** The binding of one policy to one cluster, or null. */
  async get(clusterId: string, policyId: string, em: EntityManager = this.ds.manager): Promise<BoundPolicy | null> {
    const { rows } = await sql(
      em,
      `SELECT ${BINDING_COLUMNS} FROM cluster_policy b JOIN policy p ON p.id = b.policy_id JOIN cluster c ON c.id = b.cluster_id
       WHERE b.cluster_id = $1 AND b.policy_id = $2`,
      [clusterId, policyId],
    );
    return rows[0] ? this.bound(rows[0]) : null;
  }

  /** Policy ids attached to each cluster, in priority order, for cluster views. */
  async policyIds(clusterIds: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (!clusterIds.length) return out;
    const { rows } = await sql<{ cluster_id: string; policy_id: string }>(
      this.ds,
      `SELECT cluster_id, policy_id FROM cluster_policy WHERE cluster_id = ANY($1::uuid[]) ORDER BY priority, id`,
      [clusterIds],
    );
    for (const r of rows) out.set(r.cluster_id, [...(out.get(r.cluster_id) ?? []), r.policy_id]);
    return out;
  }

  async insert(b: ClusterPolicyEntity, em: EntityManager = this.ds.manager): Promise<void> {
    await insertRows(em, this.ds, ClusterPolicyEntity, [b]);
  }

  async delete(clusterId: string, policyId: string, em: EntityManager = this.ds.manager): Promise<void> {
    await sql(em, `DELETE FROM cluster_policy WHERE cluster_id = $1 AND policy_id = $2`, [clusterId, policyId]);
  }

  async setEnabled(clusterId: string, policyId: string, enabled: boolean, em: EntityManager = this.ds.manager) {
    await sql(em, `UPDATE cluster_policy SET enabled = $3 WHERE cluster_id = $1 AND policy_id = $2`, [
      clusterId,
      policyId,
      enabled,
    ]);
  }

  /** Replaces a binding's data (what the policy keeps about the cluster). */
  async setData(id: string, data: Record<string, unknown>, em: EntityManager = this.ds.manager): Promise<void> {
    await sql(em, `UPDATE cluster_policy SET data = $2::jsonb WHERE id = $1`, [id, JSON.stringify(data)]);
  }

  /** Starts the cooldown of the given bindings now. */
  async stampLastOp(ids: readonly string[], em: EntityManager = this.ds.manager): Promise<void> {
    if (ids.length) await sql(em, `UPDATE cluster_policy SET last_op = now() WHERE id = ANY($1::uuid[])`, [ids]);
  }

  private bound(r: Record<string, unknown>): BoundPolicy {
    const binding = Object.assign(new ClusterPolicyEntity(), {
      id: r.b_id as string,
      clusterId: r.b_cluster_id as string,
      policyId: r.b_policy_id as string,
      enabled: r.b_enabled as boolean,
      priority: r.b_priority as number,
      data: r.b_data as Record<string, unknown>,
      lastOp: (r.b_last_op as Date | null) ?? null,
    });
    return { binding, policy: toEntities(this.ds, PolicyEntity, [r])[0], clusterName: r.cluster_name as string };
  }
}
