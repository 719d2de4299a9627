import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { MethodVersionNotFound, type ApiConfig } from '@grove/core';
import type { GroveRequest } from '../http/grove-request';
import { locateAction } from '../http/location';
import { atLeast, clusteringHeader, MinVersion, versionString } from '../http/microversion';
import { API_CONFIG } from '../http/request-context.middleware';
import { ClusterActionsService } from './cluster-actions.service';
import { ClusterCollectService } from './cluster-collect.service';

/** What a cluster does besides CRUD: its action verbs, profile operations and attribute collection. */
@Controller('v1/clusters')
export class ClusterActionsController {
  constructor(
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    private readonly actions: ClusterActionsService,
    private readonly collector: ClusterCollectService,
  ) {}

  @Post(':id/actions')
  @HttpCode(202)
  async act(
    @Req() req: GroveRequest,
    @Res({ passthrough: true }) res: Response,
    @Param('id') id: string,
    @Body() body: unknown,
  ) {
    const done = await this.actions.act(req.ctx, req.apiVersion, id, body);
    if ('preview' in done) {
      res.status(200);
      return { preview: done.preview };
    }
    locateAction(req, res, done.actionId, this.cfg.API_PUBLIC_URL);
    return { action: done.actionId };
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
    const actionId = await this.actions.operation(req.ctx, id, body);
    locateAction(req, res, actionId, this.cfg.API_PUBLIC_URL);
    return { action: actionId };
  }

  /**
   * Collect exists from 1.2, but Heat's `collect` attribute (`get_attr: [cluster, collect, path]`)
   * calls it through openstacksdk, which sends no microversion header, i.e. 1.0: against Senlin it
   * only worked where the cloud configured a default microversion. As a deliberate leniency Grove
   * serves requests that name no version; one that explicitly asks for less than 1.2 still gets
   * Senlin's 400 (tempest checks that with 1.1).
   */
  @Get([':id/attrs/:path', ':id/attrs'])
  async collect(@Req() req: GroveRequest, @Param('id') id: string, @Param('path') path: string | undefined) {
    const asked = clusteringHeader(req.headers['openstack-api-version'] as string | undefined);
    if (asked !== undefined && !atLeast(req.apiVersion, '1.2'))
      throw new MethodVersionNotFound(versionString(req.apiVersion));
    return { cluster_attributes: await this.collector.collect(req.ctx, id, path ?? '') };
  }
}
