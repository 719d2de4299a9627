import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { ACTION_NAMES, EVENT_LEVEL_NAMES, EVENT_LEVELS, scopeOf, type EventLevelName } from '@grove/core';
import { ClusterRepository, EventRepository } from '@grove/db';
import type { GroveRequest } from '../http/grove-request';
import { clusterFilter, parseList, type ListSpec } from '../http/list-params';
import { toEventView } from './events.view';

const LIST: ListSpec = {
  filters: {
    oid: { column: 'oid' },
    oname: { column: 'oname' },
    otype: { column: 'otype' },
    cluster_id: { column: 'cluster_id' },
    action: { column: 'action', values: ACTION_NAMES },
    level: { column: 'level', values: EVENT_LEVEL_NAMES },
  },
  sortKeys: {
    timestamp: 'timestamp',
    level: 'level',
    otype: 'otype',
    oname: 'oname',
    action: 'action',
    status: 'status',
    oid: 'oid',
    cluster_id: 'cluster_id',
  },
};

@Controller('v1/events')
export class EventsController {
  constructor(
    private readonly events: EventRepository,
    private readonly clusters: ClusterRepository,
  ) {}

  @Get()
  async list(@Req() req: GroveRequest, @Query() query: Record<string, unknown>) {
    const { query: q, scope, raw } = parseList(query, LIST, req);
    if (raw.cluster_id) {
      const ids = await clusterFilter(raw.cluster_id, (ident) => this.clusters.find(scope, ident));
      if (!ids) return { events: [] };
      q.filters = { ...q.filters, cluster_id: ids };
    }
    // Levels are names on the wire and numbers in the table, as in Senlin.
    if (q.filters?.level) q.filters.level = q.filters.level.map((l) => EVENT_LEVELS[l as EventLevelName]);
    return { events: (await this.events.list(scope, q)).map(toEventView) };
  }

  @Get(':id')
  async show(@Req() req: GroveRequest, @Param('id') id: string) {
    return { event: toEventView(await this.events.get(scopeOf(req.ctx), id)) };
  }
}
