import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { CLUSTER_ACTIONS } from '@grove/core';
import { RECEIVER_TYPES } from '@grove/db';
import type { GroveRequest } from '../http/grove-request';
import { parseList, type ListSpec } from '../http/list-params';
import { atLeast } from '../http/microversion';
import { ReceiverCreateBody, ReceiverUpdateBody } from './receivers.dto';
import { ReceiversService } from './receivers.service';
import { toReceiverView } from './receivers.view';

const LIST: ListSpec = {
  filters: {
    name: { column: 'name' },
    type: { column: 'type', values: RECEIVER_TYPES },
    cluster_id: { column: 'cluster_id' },
    action: { column: 'action', values: CLUSTER_ACTIONS },
    user: { column: 'user_id' },
  },
  sortKeys: {
    name: 'name',
    type: 'type',
    action: 'action',
    cluster_id: 'cluster_id',
    created_at: 'created_at',
    user: 'user_id',
  },
};

@Controller('v1/receivers')
export class ReceiversController {
  constructor(private readonly receivers: ReceiversService) {}

  @Get()
  async list(@Req() req: GroveRequest, @Query() query: Record<string, unknown>) {
    const { query: q, scope } = parseList(query, LIST, req);
    // The `user` filter exists from 1.4; Senlin accepts it before and ignores it.
    if (!atLeast(req.apiVersion, '1.4')) delete q.filters?.user_id;
    return { receivers: (await this.receivers.list(scope, q)).map((r) => toReceiverView(r, req.apiVersion)) };
  }

  @Post()
  @HttpCode(201)
  async create(@Req() req: GroveRequest, @Body() body: ReceiverCreateBody) {
    const r = await this.receivers.create(req.ctx, req.apiVersion, req, body.receiver);
    return { receiver: toReceiverView(r, req.apiVersion) };
  }

  @Get(':id')
  async show(@Req() req: GroveRequest, @Param('id') id: string) {
    return { receiver: toReceiverView(await this.receivers.get(req.ctx, id), req.apiVersion) };
  }

  @Patch(':id')
  async update(@Req() req: GroveRequest, @Param('id') id: string, @Body() body: ReceiverUpdateBody) {
    return { receiver: toReceiverView(await this.receivers.update(req.ctx, id, body.receiver), req.apiVersion) };
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Req() req: GroveRequest, @Param('id') id: string): Promise<void> {
    await this.receivers.delete(req.ctx, id);
  }

  @Post(':id/notify')
  @HttpCode(204)
  async notify(@Req() req: GroveRequest, @Param('id') id: string): Promise<void> {
    await this.receivers.notify(req.ctx, id);
  }
}
