import { Controller, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { ApiConfig } from '@grove/core';
import { rawBodyOf } from '../http/body-parser';
import type { GroveRequest } from '../http/grove-request';
import { queryBool } from '../http/list-params';
import { locateAction } from '../http/location';
import { atLeast, GROVE_EXTENSIONS } from '../http/microversion';
import { API_CONFIG } from '../http/request-context.middleware';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from './webhook-signature';
import { WebhooksService } from './webhooks.service';

const header = (req: GroveRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Senlin's webhook endpoint: needs no token, only the receiver's URL. */
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    private readonly webhooks: WebhooksService,
  ) {}

  @Post(':id/trigger')
  @HttpCode(202)
  async trigger(@Req() req: GroveRequest, @Res({ passthrough: true }) res: Response, @Param('id') id: string) {
    const v = req.query.V;
    const preview = req.query.preview;
    const done = await this.webhooks.trigger({
      identity: id,
      v: req.apiVersion,
      webhookVersion: (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String),
      body: req.body as unknown,
      rawBody: rawBodyOf(req),
      timestamp: header(req, TIMESTAMP_HEADER),
      signature: header(req, SIGNATURE_HEADER),
      idempotencyKey: header(req, 'idempotency-key'),
      requestId: req.ctx.requestId,
      preview: atLeast(req.apiVersion, GROVE_EXTENSIONS) && preview !== undefined && queryBool('preview', preview),
    });
    if (typeof done !== 'string') {
      res.status(200);
      return done;
    }
    locateAction(req, res, done, this.cfg.API_PUBLIC_URL);
    return { action: done };
  }
}
