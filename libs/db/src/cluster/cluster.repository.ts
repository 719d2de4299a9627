import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ClusterStatus, Scope } from '@grove/core';
import { findByIdentity, findRowsByIdentity, listPage, type ListQuery, type Listable } from '../list-query';
import { insertRows, rowById, sql, toEntities, updateRow } from '../rows';
import { exactlyOne } from '../scope-sql';
import { ClusterEntity } from './cluster.entity';

export const CLUSTER_LIST: Listable = {
  table: 'cluster',
  sortable: ['name', 'status', 'init_at', 'created_at', 'updated_at'],
  filterable: { name: 'text', status: 'text' },
  defaultSort: 'init_at',
};

export type ClusterPatch = Partial<
  Pick<
    ClusterEntity,
    | 'name'
    | 'profileId'
    | 'minSize'
    | 'maxSize'
    | 'desiredCapacity'
    | 'timeout'
    | 'status'
    | 'statusReason'
    | 'metadata'
    | 'data'
    | 'config'
    | 'dependents'
    | 'createdAt'
  >
>;

@Injectable()
export class ClusterRepository {
  constructor(private readonly ds: DataSource) {}

  async get(scope: Scope, identity: string): Promise<ClusterEntity> {
    return exactlyOne(await this.match(scope, identity), 'cluster', identity);
  }

  /** Null when nothing matches (clusters referenced inside a request body or filter). */
  async find(scope: Scope, identity: string): Promise<ClusterEntity | null> {
    const rows = await this.match(scope, identity);
    return rows.length ? exactlyOne(rows, 'cluster', identity) : null;
  }

  private match(scope: Scope, identity: string): Promise<ClusterEntity[]> {
    return findByIdentity(this.ds, ClusterEntity, 'cluster', scope, identity, { byName: true });
  }

  /**
   * What `GET /v1/clusters/{id}` shows, in one statement: the cluster a path identity names, its
   * member ids in index order, its policies' ids and its profile's name (the hot read of every client's wait loop).
   * Member ids come as JSON, which parses several times faster than a Postgres array literal.
   */
  async getForView(
    scope: Scope,
    identity: string,
  ): Promise<{ cluster: ClusterEntity; nodes: string[]; policies: string[]; profileName: string | null }> {
    const rows = await findRowsByIdentity(
      this.ds,
      'cluster',
      scope,
      identity,
      { byName: true },
      `(SELECT p.name FROM profile p WHERE p.id = t.profile_id) AS profile_name,
       (SELECT COALESCE(json_agg(n.id ORDER BY n.index, n.id), '[]') FROM node n WHERE n.cluster_id = t.id) AS member_ids,
       (SELECT COALESCE(json_agg(b.policy_id ORDER BY b.priority, b.id), '[]') FROM cluster_policy b WHERE b.cluster_id = t.id) AS policy_ids`,
    );
    const row = exactlyOne(rows, 'cluster', identity);
    return {
      cluster: toEntities(this.ds, ClusterEntity, [row])[0],
      nodes: row.member_ids as string[],
      policies: row.policy_ids as string[],
      profileName: (row.profile_name as string | null) ?? null,
    };
  }

  async getById(id: string, em: EntityManager = this.ds.manager): Promise<ClusterEntity | null> {
    return rowById(this.ds, ClusterEntity, id, em === this.ds.manager ? undefined : em);
  }

  /** Locks the cluster row for the rest of the transaction: requests that change a cluster queue here. */
  async lockRow(em: EntityManager, id: string): Promise<ClusterEntity | null> {
    const { rows } = await sql(em, 'SELECT * FROM cluster WHERE id = $1 FOR UPDATE', [id]);
    return toEntities(this.ds, ClusterEntity, rows)[0] ?? null;
  }

  list(scope: Scope, q: ListQuery): Promise<ClusterEntity[]> {
    return listPage(this.ds, ClusterEntity, CLUSTER_LIST, scope, q);
  }

  async nameTaken(project: string, name: string, em: EntityManager = this.ds.manager): Promise<boolean> {
    return em.existsBy(ClusterEntity, { project, name });
  }

  async countInProject(project: string, em: EntityManager = this.ds.manager): Promise<number> {
    return em.countBy(ClusterEntity, { project });
  }

  async insert(c: ClusterEntity, em: EntityManager = this.ds.manager): Promise<ClusterEntity> {
    await insertRows(em, this.ds, ClusterEntity, [c]);
    return c;
  }

  async update(id: string, patch: ClusterPatch, em: EntityManager = this.ds.manager): Promise<void> {
    await updateRow(em, this.ds, ClusterEntity, id, { ...patch, updatedAt: new Date() });
  }

  async setStatus(
    id: string,
    status: ClusterStatus,
    reason: string,
    em: EntityManager = this.ds.manager,
  ): Promise<void> {
    await this.update(id, { status, statusReason: reason }, em);
  }

  /** Reserves `n` consecutive member indexes in one statement; returns the first. */
  async takeIndexes(id: string, n: number, em: EntityManager = this.ds.manager): Promise<number> {
    const { rows } = await sql<{ first: number }>(
      em,
      'UPDATE cluster SET next_index = next_index + $2 WHERE id = $1 RETURNING next_index - $2 AS first',
      [id, n],
    );
    return rows[0].first;
  }

  /** Member node ids of each cluster, in index order (for the `nodes` field of cluster views). */
  async memberIds(clusterIds: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>(clusterIds.map((id) => [id, []]));
    if (!clusterIds.length) return out;
    const { rows } = await sql<{ cluster_id: string; ids: string[] }>(
      this.ds,
      `SELECT cluster_id, array_agg(id ORDER BY index, id) AS ids FROM node WHERE cluster_id = ANY($1::uuid[]) GROUP BY cluster_id`,
      [clusterIds],
    );
    for (const r of rows) out.set(r.cluster_id, r.ids);
    return out;
  }

  async delete(id: string, em: EntityManager = this.ds.manager): Promise<void> {
    await em.delete(ClusterEntity, { id });
  }
}
