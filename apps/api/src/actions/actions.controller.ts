import { Body, Controller, Get, HttpCode, Param, Patch, Query, Req } from '@nestjs/common';
import { ACTION_NAMES, ACTION_STATUSES, scopeOf } from '@grove/core';
import { ClusterRepository } from '@grove/db';
import type { GroveRequest } from '../http/grove-request';
import { clusterFilter, parseList, queryBool, type ListSpec } from '../http/list-params';
import { atLeast, MinVersion } from '../http/microversion';
import { ActionUpdateBody } from './actions.dto';
import { ActionsService } from './actions.service';

const LIST: ListSpec = {
  filters: {
    name: { column: 'name' },
    target: { column: 'target' },
    action: { column: 'action', values: ACTION_NAMES },
    status: { column: 'status', values: ACTION_STATUSES },
    cluster_id: { column: 'cluster_id' },
  },
  sortKeys: { name: 'name', target: 'target', action: 'action', created_at: 'created_at', status: 'status' },
};

@Controller('v1/actions')
export class ActionsController {
  constructor(
    private readonly actions: ActionsService,
    private readonly clusters: ClusterRepository,
  ) {}

  @Get()
  async list(@Req() req: GroveRequest, @Query() query: Record<string, unknown>) {
    const { query: q, scope, raw } = parseList(query, LIST, req);
    // cluster_id names clusters and is resolved here; below 1.14 Senlin accepts it and drops it.
    delete q.filters?.cluster_id;
    if (raw.cluster_id && atLeast(req.apiVersion, '1.14')) {
      const ids = await clusterFilter(raw.cluster_id, (ident) => this.clusters.find(scope, ident));
      if (!ids) return { actions: [] };
      q.filters = { ...q.filters, cluster_id: ids };
    }
    return { actions: await this.actions.views(await this.actions.list(scope, q), req.apiVersion) };
  }

  @Get(':id')
  async show(@Req() req: GroveRequest, @Param('id') id: string) {
    const [view] = await this.actions.views([await this.actions.get(scopeOf(req.ctx), id)], req.apiVersion);
    return { action: view };
  }

  @Patch(':id')
  @HttpCode(202)
  @MinVersion('1.12')
  async update(
    @Req() req: GroveRequest,
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Body() body: ActionUpdateBody,
  ) {
    await this.actions.cancel(req.ctx, id, body.action.status, queryBool('force', query.force));
    return {};
  }
}
