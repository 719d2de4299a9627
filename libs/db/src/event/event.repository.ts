import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Scope } from '@grove/core';
import { findByIdentity, listPage, type ListQuery, type Listable } from '../list-query';
import { ActionEntity } from '../action/action.entity';
import { ClusterEntity } from '../cluster/cluster.entity';
import { NodeEntity } from '../node/node.entity';
import { insertRows, sql, toEntities } from '../rows';
import { exactlyOne } from '../scope-sql';
import { EventEntity } from './event.entity';

/** What a batch of events is about, as it is now (see EventRepository.subjects). */
export interface EventSubjects {
  actions: Map<string, ActionEntity>;
  clusters: Map<string, ClusterEntity>;
  nodes: Map<string, NodeEntity>;
}

export const EVENT_LIST: Listable = {
  table: 'event',
  sortable: ['timestamp', 'level', 'otype', 'oname', 'action', 'status', 'oid', 'cluster_id'],
  filterable: { oid: 'uuid', oname: 'text', otype: 'text', cluster_id: 'uuid', action: 'text', level: 'int' },
  defaultSort: 'timestamp',
};

@Injectable()
export class EventRepository {
  private readonly inserted: (() => void)[] = [];
  /** Nobody in this process publishes notifications: events are written as published already. */
  private writePublished = false;

  constructor(private readonly ds: DataSource) {}

  /** Calls `fn` after every insert (the notification outbox wakes up); it must be cheap and never throw. */
  onInsert(fn: () => void): void {
    this.inserted.push(fn);
  }

  /**
   * Writes this process's events as published from now on, so the outbox costs nothing when no
   * notification can go out (the in-process bus, notifications off).
   */
  skipOutbox(): void {
    this.writePublished = true;
  }

  /** By full UUID or short id only (Senlin does not look events up by name). */
  async get(scope: Scope, identity: string): Promise<EventEntity> {
    return exactlyOne(
      await findByIdentity(this.ds, EventEntity, 'event', scope, identity, { byName: false }),
      'event',
      identity,
    );
  }

  list(scope: Scope, q: ListQuery): Promise<EventEntity[]> {
    return listPage(this.ds, EventEntity, EVENT_LIST, scope, q);
  }

  async insert(events: readonly EventEntity[], em: EntityManager = this.ds.manager): Promise<void> {
    const rows = this.writePublished ? events.map((e) => ({ published: true, ...e })) : events;
    await insertRows(em, this.ds, EventEntity, rows);
    for (const fn of this.inserted) fn();
  }

  /**
   * The notification outbox: up to `limit` unpublished events, oldest first, locked until the
   * transaction of `em` ends. Rows another transaction holds are skipped, so engines draining at
   * the same time never take the same event.
   */
  async takeUnpublished(em: EntityManager, limit: number): Promise<EventEntity[]> {
    const { rows } = await sql(
      em,
      `SELECT * FROM event WHERE NOT published ORDER BY timestamp LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return toEntities(this.ds, EventEntity, rows);
  }

  async markPublished(ids: readonly string[], em: EntityManager): Promise<void> {
    if (ids.length) await sql(em, `UPDATE event SET published = true WHERE id = ANY($1::uuid[])`, [ids]);
  }

  /**
   * Deletes up to `limit` events older than `days` days, oldest first; returns how many went. In
   * batches, so that a first purge of a long history holds no lock for long (the index on
   * timestamp finds them without a scan).
   */
  async purgeOlderThan(days: number, limit: number): Promise<number> {
    const { count } = await sql(
      this.ds,
      `DELETE FROM event WHERE id IN (
         SELECT id FROM event WHERE timestamp < now() - make_interval(days => $1) ORDER BY timestamp LIMIT $2)`,
      [days, limit],
    );
    return count;
  }

  /** Marks up to `limit` events published without publishing them (nobody listens); returns how many. */
  async markSomePublished(limit: number): Promise<number> {
    const { count } = await sql(
      this.ds,
      `UPDATE event SET published = true WHERE id IN (SELECT id FROM event WHERE NOT published LIMIT $1)`,
      [limit],
    );
    return count;
  }

  /**
   * The actions, clusters and nodes some events are about, as they are now: three reads by id for
   * the whole batch, on the connection of `em` (the outbox's transaction takes no other from the
   * pool the actions need). Objects deleted meanwhile are missing from the maps.
   */
  async subjects(events: readonly EventEntity[], em: EntityManager = this.ds.manager): Promise<EventSubjects> {
    const ids = (pick: (e: EventEntity) => string | null | undefined) => [
      ...new Set(events.map(pick).filter((x): x is string => Boolean(x))),
    ];
    const read = async <T extends { id: string }>(table: string, target: new () => T, wanted: string[]) => {
      if (!wanted.length) return new Map<string, T>();
      const { rows } = await sql(em, `SELECT * FROM ${table} WHERE id = ANY($1::uuid[])`, [wanted]);
      return new Map(toEntities(this.ds, target, rows).map((r) => [r.id, r]));
    };
    // One after the other: the three share the transaction's one connection.
    const actions = await read(
      'action',
      ActionEntity,
      ids((e) => e.actionId),
    );
    const clusters = await read(
      'cluster',
      ClusterEntity,
      ids((e) => (e.otype === 'CLUSTER' ? e.oid : null)),
    );
    const nodes = await read(
      'node',
      NodeEntity,
      ids((e) => (e.otype === 'NODE' ? e.oid : null)),
    );
    return { actions, clusters, nodes };
  }
}
