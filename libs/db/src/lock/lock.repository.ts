import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { sql } from '../rows';

/**
 * SQL that is true while at least one of the actions in `ids` can still run: it is waiting or
 * ready, or RUNNING on an engine whose heartbeat is fresh. A lock none of whose holders can still
 * run is stale and may be taken.
 */
const ALIVE = (ids: string, dead: string) => `EXISTS (
  SELECT 1 FROM action a WHERE a.id = ANY(${ids}) AND (
    a.status IN ('INIT', 'READY', 'WAITING', 'WAITING_LIFECYCLE_COMPLETION', 'SUSPENDED')
    OR (a.status = 'RUNNING' AND EXISTS (
      SELECT 1 FROM service s WHERE s.id = a.owner AND s.updated_at > now() - make_interval(secs => ${dead})))))`;

export type ClusterLockScope = 'cluster' | 'node';

/**
 * CTE members that release every lock held by the action whose id is the parameter `p`, done
 * only when `when` holds: its node locks, a cluster lock it holds alone, its share of a shared one.
 * Shared with ActionRepository.end, which releases as it ends an action, in one statement.
 */
export const releaseLocksCte = (p: string, when = 'TRUE') => `
  released_node_locks AS (DELETE FROM node_lock WHERE action_id = ${p}::uuid AND ${when}),
  released_cluster_locks AS (DELETE FROM cluster_lock
    WHERE ${p}::uuid = ANY(action_ids) AND semaphore IN (-1, 1) AND ${when}),
  released_cluster_shares AS (UPDATE cluster_lock
    SET action_ids = array_remove(action_ids, ${p}::uuid), semaphore = semaphore - 1
    WHERE ${p}::uuid = ANY(action_ids) AND semaphore > 1 AND ${when})`;

@Injectable()
export class LockRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * Takes the cluster lock for an action, in `cluster` scope (exclusive: cluster actions) or
   * `node` scope (shared among node actions, excluded by a cluster-scope holder). Taking a lock
   * the action already holds succeeds. A stale lock is taken over; `force` takes it regardless
   * (CLUSTER_DELETE). Returns whether the action holds the lock now.
   */
  async acquireCluster(
    clusterId: string,
    actionId: string,
    scope: ClusterLockScope,
    deadAfterS: number,
    force = false,
  ): Promise<boolean> {
    if (scope === 'cluster') {
      const { rows } = await sql<{ action_ids: string[]; semaphore: number }>(
        this.ds,
        `INSERT INTO cluster_lock (cluster_id, action_ids, semaphore) VALUES ($1, ARRAY[$2]::uuid[], -1)
         ON CONFLICT (cluster_id) DO UPDATE SET action_ids = cluster_lock.action_ids
         RETURNING action_ids, semaphore`,
        [clusterId, actionId],
      );
      const held = rows[0];
      if (held.semaphore === -1 && held.action_ids.length === 1 && held.action_ids[0] === actionId) return true;
      const { count } = await sql(
        this.ds,
        `UPDATE cluster_lock l SET action_ids = ARRAY[$2]::uuid[], semaphore = -1
         WHERE l.cluster_id = $1 AND ($4 OR NOT ${ALIVE('array_remove(l.action_ids, $2::uuid)', '$3')})`,
        [clusterId, actionId, deadAfterS, force],
      );
      return count === 1;
    }
    const { rows } = await sql(
      this.ds,
      `INSERT INTO cluster_lock (cluster_id, action_ids, semaphore) VALUES ($1, ARRAY[$2]::uuid[], 1)
       ON CONFLICT (cluster_id) DO UPDATE SET action_ids = array_append(cluster_lock.action_ids, $2::uuid),
         semaphore = cluster_lock.semaphore + 1
       WHERE cluster_lock.semaphore > 0 AND NOT ($2::uuid = ANY(cluster_lock.action_ids))
       RETURNING 1`,
      [clusterId, actionId],
    );
    if (rows.length) return true;
    const { rows: mine } = await sql(
      this.ds,
      'SELECT 1 FROM cluster_lock WHERE cluster_id = $1 AND $2::uuid = ANY(action_ids)',
      [clusterId, actionId],
    );
    if (mine.length) return true;
    const { count } = await sql(
      this.ds,
      `UPDATE cluster_lock l SET action_ids = ARRAY[$2]::uuid[], semaphore = 1
       WHERE l.cluster_id = $1 AND l.semaphore = -1 AND NOT ${ALIVE('l.action_ids', '$3')}`,
      [clusterId, actionId, deadAfterS],
    );
    return count === 1;
  }

  /** Takes a node's lock for an action; a stale holder is replaced, `force` replaces any holder. */
  async acquireNode(nodeId: string, actionId: string, deadAfterS: number, force = false): Promise<boolean> {
    const { rows } = await sql<{ action_id: string }>(
      this.ds,
      `INSERT INTO node_lock (node_id, action_id) VALUES ($1, $2)
       ON CONFLICT (node_id) DO UPDATE SET action_id = node_lock.action_id RETURNING action_id`,
      [nodeId, actionId],
    );
    if (rows[0].action_id === actionId) return true;
    const { count } = await sql(
      this.ds,
      `UPDATE node_lock l SET action_id = $2
       WHERE l.node_id = $1 AND ($4 OR NOT ${ALIVE('ARRAY[l.action_id]', '$3')})`,
      [nodeId, actionId, deadAfterS, force],
    );
    return count === 1;
  }

  /** Releases every lock the action holds (its node locks and its share of any cluster lock). */
  async releaseAll(actionId: string, em: EntityManager = this.ds.manager): Promise<void> {
    await sql(em, `WITH ${releaseLocksCte('$1')} SELECT 1`, [actionId]);
  }

  /**
   * Whether the action still holds the cluster's lock (its share of it), read FOR SHARE: until the
   * caller's transaction ends nobody can take the lock over, so whoever takes it next sees what
   * the caller wrote under it (a node joining the cluster) instead of missing it.
   */
  async holdsCluster(em: EntityManager, clusterId: string, actionId: string): Promise<boolean> {
    const { rows } = await sql(
      em,
      'SELECT 1 FROM cluster_lock WHERE cluster_id = $1 AND $2::uuid = ANY(action_ids) FOR SHARE',
      [clusterId, actionId],
    );
    return rows.length > 0;
  }

  /**
   * Whether an action that can still run holds the cluster's lock (the api answers 409 then); with
   * `scope` 'cluster', only a cluster action's exclusive hold counts, not node actions' shares.
   */
  async clusterLocked(
    clusterId: string,
    deadAfterS: number,
    em: EntityManager = this.ds.manager,
    scope: 'any' | ClusterLockScope = 'any',
  ): Promise<boolean> {
    const { rows } = await sql(
      em,
      `SELECT 1 FROM cluster_lock l WHERE l.cluster_id = $1 ${scope === 'cluster' ? 'AND l.semaphore = -1' : ''}
         AND ${ALIVE('l.action_ids', '$2')}`,
      [clusterId, deadAfterS],
    );
    return rows.length > 0;
  }

  async nodeLocked(nodeId: string, deadAfterS: number, em: EntityManager = this.ds.manager): Promise<boolean> {
    const { rows } = await sql(
      em,
      `SELECT 1 FROM node_lock l WHERE l.node_id = $1 AND ${ALIVE('ARRAY[l.action_id]', '$2')}`,
      [nodeId, deadAfterS],
    );
    return rows.length > 0;
  }
}
