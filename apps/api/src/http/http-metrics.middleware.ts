import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { histogram } from '@grove/core';

const requestSeconds = histogram(
  'grove_http_request_duration_seconds',
  'Seconds to answer an api request, by method, route template and status.',
  ['method', 'route', 'status'],
  [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
);

/** Times every request; the route is the template (`/v1/clusters/:id`), so ids do not explode the labels. */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction): void {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      requestSeconds.observe(
        { method: req.method, route: String(route), status: String(res.statusCode) },
        Number(process.hrtime.bigint() - start) / 1e9,
      );
    });
    next();
  }
}
