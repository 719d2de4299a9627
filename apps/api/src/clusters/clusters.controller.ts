import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CLUSTER_STATUSES, HTTPBadRequest, type ApiConfig } from '@grove/core';
import type { GroveRequest } from '../http/grove-request';
import { parseList, queryBool, type ListSpec } from '../http/list-params';
import { locateAction } from '../http/location';
import { atLeast } from '../http/microversion';
import { API_CONFIG } from '../http/request-context.middleware';
import { fieldBool } from '../http/senlin-validators';
import { isMap } from '../http/verb-body';
import { ClusterCreateBody, ClusterUpdateBody } from './clusters.dto';
import { ClustersService } from './clusters.service';

const LIST: ListSpec = {
  filters: { name: { column: 'name' }, status: { column: 'status', values: CLUSTER_STATUSES } },
  sortKeys: { name: 'name', status: 'status', init_at: 'init_at', created_at: 'created_at', updated_at: 'updated_at' },
  quoteInvalidName: true,
};

@Controller('v1/clusters')
export class ClustersController {
  constructor(
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    private readonly clusters: ClustersService,
  ) {}

  @Get()
  async list(@Req() req: GroveRequest, @Query() query: Record<string, unknown>) {
    const { query: q, scope } = parseList(query, LIST, req);
    return { clusters: await this.clusters.views(await this.clusters.list(scope, q)) };
  }

  @Post()
  @HttpCode(202)
  async create(@Req() req: GroveRequest, @Res({ passthrough: true }) res: Response, @Body() body: ClusterCreateBody) {
    const { cluster, actionId } = await this.clusters.create(req.ctx, req.apiVersion, body.cluster);
    locateAction(req, res, actionId, this.cfg.API_PUBLIC_URL);
    return { cluster: await this.clusters.view(cluster) };
  }

  @Get(':id')
  async show(@Req() req: GroveRequest, @Param('id') id: string) {
    return { cluster: await this.clusters.show(req.ctx, id) };
  }

  @Patch(':id')
  @HttpCode(202)
  async update(
    @Req() req: GroveRequest,
    @Res({ passthrough: true }) res: Response,
    @Param('id') id: string,
    @Body() body: ClusterUpdateBody,
  ) {
    const { cluster, actionId } = await this.clusters.update(req.ctx, req.apiVersion, id, body.cluster);
    locateAction(req, res, actionId, this.cfg.API_PUBLIC_URL);
    return { cluster: await this.clusters.view(cluster) };
  }

  /**
   * `force` comes in the query or, failing that, the body (other body keys are not read); a value
   * that is not a boolean is a 400 at any version, but force only counts from 1.8.
   */
  @Delete(':id')
  async delete(
    @Req() req: GroveRequest,
    @Res() res: Response,
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
  ) {
    let force: boolean | undefined = query.force === undefined ? undefined : queryBool('force', query.force);
    const body: unknown = req.body;
    if (body !== undefined && body !== null && !isMap(body))
      throw new HTTPBadRequest('The request body must be a JSON object.');
    if (force === undefined && isMap(body) && body.force !== undefined && body.force !== null) {
      force = fieldBool(body.force) === true;
    }
    const actionId = await this.clusters.delete(req.ctx, id, atLeast(req.apiVersion, '1.8') && force === true);
    locateAction(req, res, actionId, this.cfg.API_PUBLIC_URL);
    // Senlin answers a delete with the JSON literal null.
    res.status(202).type('application/json').send('null');
  }
}
