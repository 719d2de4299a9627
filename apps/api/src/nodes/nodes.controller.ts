import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { boolParam, HTTPBadRequest, NODE_STATUSES, pyText, type ApiConfig } from '@grove/core';
import type { GroveRequest } from '../http/grove-request';
import { parseList, queryBool, type ListSpec } from '../http/list-params';
import { locateAction } from '../http/location';
import { atLeast, MinVersion } from '../http/microversion';
import { API_CONFIG } from '../http/request-context.middleware';
import { isMap } from '../http/verb-body';
import { NodeActionsService } from './node-actions.service';
import { NodeAdoptionService } from './node-adoption.service';
import { NodeAdoptBody, NodeAdoptPreviewBody, NodeCreateBody, NodeUpdateBody } from './nodes.dto';
import { NodesService } from './nodes.service';

const LIST: ListSpec = {
  filters: {
    cluster_id: { column: 'cluster_id', single: true },
    name: { column: 'name' },
    status: { column: 'status', values: NODE_STATUSES },
  },
  sortKeys: {
    index: 'index',
    name: 'name',
    status: 'status',
    init_at: 'init_at',
    created_at: 'created_at',
    updated_at: 'updated_at',
  },
};

@Controller('v1/nodes')
export class NodesController {
  constructor(
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    private readonly nodes: NodesService,
    private readonly nodeActions: NodeActionsService,
    private readonly adoption: NodeAdoptionService,
  ) {}

  @Get()
  async list(@Req() req: GroveRequest, @Query() query: Record<string, unknown>) {
    const { query: q, scope, raw } = parseList(query, LIST, req);
    if (q.filters?.cluster_id) delete q.filters.cluster_id;
    const list = await this.nodes.list(scope, q, raw.cluster_id?.[0]);
    return { nodes: await this.nodes.views(list, req.apiVersion) };
  }

  @Get(':id')
  async show(@Req() req: GroveRequest, @Param('id') id: string, @Query('show_details') details: unknown) {
    return { node: await this.nodes.show(req.ctx, req.apiVersion, id, queryBool('show_details', details)) };
  }

  @Post()
  @HttpCode(202)
  async create(@Req() req: GroveRequest, @Res({ passthrough: true }) res: Response, @Body() body: NodeCreateBody) {
    const { node, actionId } = await this.nodes.create(req.ctx, body.node);
    locateAction(req, res, actionId, this.cfg.API_PUBLIC_URL);
    return { node: await this.nodes.view(node, req.apiVersion) };
  }

  /** Synchronous, as in Senlin: 200 with the node, already ACTIVE; no action. */
  @Post('adopt')
  @HttpCode(200)
  @MinVersion('1.7')
  async adopt(@Req() req: GroveRequest, @Body() body: NodeAdoptBody) {
    return { node: await this.nodes.view(await this.adoption.adopt(req.ctx, body), req.apiVersion) };
  }

  @Post('adopt-preview')
  @HttpCode(200)
  @MinVersion('1.7')
  async adoptPreview(@Req() req: GroveRequest, @Body() body: NodeAdoptPreviewBody) {
    return { node_profile: { node_preview: await this.adoption.preview(req.ctx, body) } };
  }

  @Patch(':id')
  @HttpCode(202)
  async update(
    @Req() req: GroveRequest,
    @Res({ passthrough: true }) res: Response,
    @Param('id') id: string,
    @Body() body: NodeUpdateBody,
  ) {
    const { node, actionId } = await this.nodes.update(req.ctx, req.apiVersion, id, body.node);
    locateAction(req, res, actionId, this.cfg.API_PUBLIC_URL);
    return { node: await this.nodes.view(node, req.apiVersion) };
  }

  /**
   * `{"force": true}` in the body (never the query) from 1.8. Like Senlin, a `force` that is not
   * true or false is refused at any version, and below 1.8 it is then ignored.
   */
  @Delete(':id')
  async delete(@Req() req: GroveRequest, @Res() res: Response, @Param('id') id: string, @Body() body: unknown) {
    if (body !== undefined && body !== null && !isMap(body))
      throw new HTTPBadRequest('The request body must be a JSON object.');
    const raw = isMap(body) ? body.force : undefined;
    // Senlin reads this body value with parse_bool_param: `str(v).lower()` must be true or false.
    const force = raw === undefined || raw === null ? false : boolParam(raw);
    if (force === undefined) throw new HTTPBadRequest(`Invalid value '${pyText(raw)}' specified for 'force'`);
    const actionId = await this.nodes.delete(req.ctx, id, atLeast(req.apiVersion, '1.8') && force);
    locateAction(req, res, actionId, this.cfg.API_PUBLIC_URL);
    // Senlin answers a delete with the JSON literal null.
    res.status(202).type('application/json').send('null');
  }

  @Post(':id/actions')
  @HttpCode(202)
  async act(
    @Req() req: GroveRequest,
    @Res({ passthrough: true }) res: Response,
    @Param('id') id: string,
    @Body() body: unknown,
  ) {
    const actionId = await this.nodeActions.act(req.ctx, id, body);
    locateAction(req, res, actionId, this.cfg.API_PUBLIC_URL);
    return { action: actionId };
  }

  @Post(':id/ops')
  @HttpCode(202)
  @MinVersion('1.4')
  async operation(
    @Req() req: GroveRequest,
    @Res({ passthrough: true }) res: Response,
    @Param('id') id: string,
    @Body() body: unknown,
  ) {
    const actionId = await this.nodeActions.operation(req.ctx, id, body);
    locateAction(req, res, actionId, this.cfg.API_PUBLIC_URL);
    return { action: actionId };
  }
}
