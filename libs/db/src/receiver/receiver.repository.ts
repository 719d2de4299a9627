import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SYSTEM_SCOPE, type Scope } from '@grove/core';
import { ClusterEntity } from '../cluster/cluster.entity';
import { findByIdentity, findRowsByIdentity, listPage, type ListQuery, type Listable } from '../list-query';
import { fromJsonRow, insertRows, rowById, sql, toEntities, updateRow } from '../rows';
import { exactlyOne } from '../scope-sql';
import { ReceiverEntity } from './receiver.entity';

export const RECEIVER_LIST: Listable = {
  table: 'receiver',
  sortable: ['name', 'type', 'action', 'cluster_id', 'created_at', 'user_id'],
  filterable: { name: 'text', type: 'text', cluster_id: 'uuid', action: 'text', user_id: 'text' },
  defaultSort: 'name',
};

export type ReceiverPatch = Partial<Pick<ReceiverEntity, 'name' | 'action' | 'params' | 'channel'>>;

@Injectable()
export class ReceiverRepository {
  constructor(private readonly ds: DataSource) {}

  async get(scope: Scope, identity: string): Promise<ReceiverEntity> {
    return exactlyOne(await this.match(scope, identity), 'receiver', identity);
  }

  async find(scope: Scope, identity: string): Promise<ReceiverEntity | null> {
    const rows = await this.match(scope, identity);
    return rows.length ? exactlyOne(rows, 'receiver', identity) : null;
  }

  private match(scope: Scope, identity: string): Promise<ReceiverEntity[]> {
    return findByIdentity(this.ds, ReceiverEntity, 'receiver', scope, identity, { byName: true });
  }

  /**
   * A webhook's trigger: the receiver in any project (the URL is the credential), and its cluster
   * as it is now (null when gone), in one statement.
   */
  async getForTrigger(identity: string): Promise<{ receiver: ReceiverEntity; cluster: ClusterEntity | null }> {
    const rows = await findRowsByIdentity(
      this.ds,
      'receiver',
      SYSTEM_SCOPE,
      identity,
      { byName: true },
      '(SELECT to_jsonb(c) FROM cluster c WHERE c.id = t.cluster_id) AS cluster_row',
    );
    const row = exactlyOne(rows, 'receiver', identity);
    const cluster = row.cluster_row as Record<string, unknown> | null;
    return {
      receiver: toEntities(this.ds, ReceiverEntity, [row])[0],
      cluster: cluster ? fromJsonRow(this.ds, ClusterEntity, cluster) : null,
    };
  }

  async getById(id: string, em?: EntityManager): Promise<ReceiverEntity | null> {
    return rowById(this.ds, ReceiverEntity, id, em);
  }

  list(scope: Scope, q: ListQuery): Promise<ReceiverEntity[]> {
    return listPage(this.ds, ReceiverEntity, RECEIVER_LIST, scope, q);
  }

  /** Every message receiver, for the engines that consume their queues. */
  async ofType(type: ReceiverEntity['type']): Promise<ReceiverEntity[]> {
    const { rows } = await sql(this.ds, `SELECT * FROM receiver WHERE type = $1 ORDER BY created_at, id`, [type]);
    return toEntities(this.ds, ReceiverEntity, rows);
  }

  async nameTaken(project: string, name: string, em: EntityManager = this.ds.manager): Promise<boolean> {
    return em.existsBy(ReceiverEntity, { project, name });
  }

  async insert(r: ReceiverEntity, em: EntityManager = this.ds.manager): Promise<ReceiverEntity> {
    await insertRows(em, this.ds, ReceiverEntity, [r]);
    return r;
  }

  async update(id: string, patch: ReceiverPatch, em: EntityManager = this.ds.manager): Promise<void> {
    await updateRow(em, this.ds, ReceiverEntity, id, { ...patch, updatedAt: new Date() });
  }

  async delete(id: string, em: EntityManager = this.ds.manager): Promise<void> {
    await sql(em, `DELETE FROM receiver WHERE id = $1`, [id]);
  }

  /** Deletes the receivers that target a cluster (as its delete does); returns their ids. */
  async deleteForCluster(clusterId: string, em: EntityManager = this.ds.manager): Promise<string[]> {
    const { rows } = await sql<{ id: string }>(em, `DELETE FROM receiver WHERE cluster_id = $1 RETURNING id`, [
      clusterId,
    ]);
    return rows.map((r) => r.id);
  }

  /**
   * Remembers that the trigger with `key` made `actionId`, unless an earlier trigger of the
   * receiver with the same key, younger than `ttlS`, got there first: then nothing changes and the
   * earlier action's id is returned. One statement decides (it waits for a concurrent insert of the
   * same key to commit or roll back), so of two triggers with one key only one can see its own id.
   * An expired key is taken over.
   */
  async rememberTrigger(
    receiverId: string,
    key: string,
    actionId: string,
    ttlS: number,
    em: EntityManager,
  ): Promise<string> {
    const { rows } = await sql<{ action_id: string }>(
      em,
      `INSERT INTO webhook_trigger (receiver_id, idempotency_key, action_id) VALUES ($1, $2, $3)
       ON CONFLICT (receiver_id, idempotency_key) DO UPDATE SET
         action_id = CASE WHEN webhook_trigger.created_at <= now() - make_interval(secs => $4)
                          THEN EXCLUDED.action_id ELSE webhook_trigger.action_id END,
         created_at = CASE WHEN webhook_trigger.created_at <= now() - make_interval(secs => $4)
                           THEN now() ELSE webhook_trigger.created_at END
       RETURNING action_id`,
      [receiverId, key, actionId, ttlS],
    );
    return rows[0].action_id;
  }

  /** The action an earlier trigger with one of these keys made, if any is younger than its `ttlS`. */
  async triggeredBefore(receiverId: string, keys: readonly { key: string; ttlS: number }[]): Promise<string | null> {
    if (!keys.length) return null;
    const { rows } = await sql<{ action_id: string }>(
      this.ds,
      `SELECT t.action_id FROM webhook_trigger t
         JOIN unnest($2::text[], $3::int[]) AS k(key, ttl) ON t.idempotency_key = k.key
        WHERE t.receiver_id = $1 AND t.created_at > now() - make_interval(secs => k.ttl)
        ORDER BY t.created_at LIMIT 1`,
      [receiverId, keys.map((k) => k.key), keys.map((k) => k.ttlS)],
    );
    return rows[0]?.action_id ?? null;
  }

  /** Forgets trigger keys older than their time to live: `prefix`ed keys after `prefixTtlS`, others after `ttlS`. */
  async purgeTriggers(ttlS: number, prefix: string, prefixTtlS: number): Promise<number> {
    const { count } = await sql(
      this.ds,
      `DELETE FROM webhook_trigger
        WHERE created_at < now() - make_interval(secs => $1)
           OR (starts_with(idempotency_key, $2) AND created_at < now() - make_interval(secs => $3))`,
      [ttlS, prefix, prefixTtlS],
    );
    return count;
  }
}
