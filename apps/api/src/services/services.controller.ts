import { Controller, Get, Inject, Req } from '@nestjs/common';
import { type ApiConfig } from '@grove/core';
import { enforce } from '../http/access-rules';
import { ServiceRepository } from '@grove/db';
import type { GroveRequest } from '../http/grove-request';
import { API_CONFIG } from '../http/request-context.middleware';
import { toServiceView } from './services.view';

/** The registered engines and health-managers; admins only, as in Senlin. */
@Controller('v1/services')
export class ServicesController {
  constructor(
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    private readonly services: ServiceRepository,
  ) {}

  @Get()
  async list(@Req() req: GroveRequest) {
    enforce(req.ctx, 'services:index');
    return { services: (await this.services.list()).map((s) => toServiceView(s, this.cfg.SERVICE_DOWN_TIME_S)) };
  }
}
