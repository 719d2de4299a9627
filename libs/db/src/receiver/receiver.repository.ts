import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Scope } from '@grove/core';
import { findByIdentity, listPage, type ListQuery, type Listable } from '../list-query';
import { insertRows, rowById, sql, toEntities, updateRow } from '../rows';
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

  async nameTaken(project: string, name: string): Promise<boolean> {
    return this.ds.manager.existsBy(ReceiverEntity, { project, name });
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
   * Remembers that the trigger with `key` made `actionId`. If an earlier trigger with the same key
   * got there first, nothing is written and its action id is returned instead: one statement decides.
   */
  async rememberTrigger(receiverId: string, key: string, actionId: string, em: EntityManager): Promise<string> {
    const { rows } = await sql<{ action_id: string }>(
      em,
      `WITH ins AS (INSERT INTO webhook_trigger (receiver_id, idempotency_key, action_id) VALUES ($1, $2, $3)
                    ON CONFLICT DO NOTHING RETURNING action_id)
       SELECT action_id FROM ins UNION ALL
       SELECT action_id FROM webhook_trigger WHERE receiver_id = $1 AND idempotency_key = $2 LIMIT 1`,
      [receiverId, key, actionId],
    );
    return rows[0]?.action_id ?? actionId;
  }

  /** The action an earlier trigger with this key made, if any and not older than `ttlS`. */
  async triggeredBefore(receiverId: string, key: string, ttlS: number): Promise<string | null> {
    const { rows } = await sql<{ action_id: string }>(
      this.ds,
      `SELECT action_id FROM webhook_trigger WHERE receiver_id = $1 AND idempotency_key = $2
         AND created_at > now() - make_interval(secs => $3)`,
      [receiverId, key, ttlS],
    );
    return rows[0]?.action_id ?? null;
  }
}
