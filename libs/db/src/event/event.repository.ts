import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Scope } from '@grove/core';
import { findByIdentity, listPage, type ListQuery, type Listable } from '../list-query';
import { insertRows } from '../rows';
import { exactlyOne } from '../scope-sql';
import { EventEntity } from './event.entity';

export const EVENT_LIST: Listable = {
  table: 'event',
  sortable: ['timestamp', 'level', 'otype', 'oname', 'action', 'status', 'oid', 'cluster_id'],
  filterable: { oid: 'uuid', oname: 'text', otype: 'text', cluster_id: 'uuid', action: 'text', level: 'int' },
  defaultSort: 'timestamp',
};

@Injectable()
export class EventRepository {
  constructor(private readonly ds: DataSource) {}

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
    await insertRows(em, this.ds, EventEntity, events);
  }
}
