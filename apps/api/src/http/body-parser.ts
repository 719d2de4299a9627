import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import { newId } from '@grove/core';
import { faultBody } from './senlin-error.filter';
import { isWebhookTrigger } from './webhook-path';

const mediaType = (req: IncomingMessage): string =>
  (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
const declaredJson = (type: string): boolean =>
  type === 'application/json' || type === 'json' || /^application\/[^/]+\+json$/.test(type);
/** Whether the request carries a body at all (a bodiless POST, such as a plain webhook trigger, does not). */
const hasBody = (req: IncomingMessage): boolean =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

const RAW = Symbol('grove:raw-body');
const EMPTY = Buffer.alloc(0);

/** The body as the client sent it (a signed webhook's signature covers these bytes); empty when none was read. */
export const rawBodyOf = (req: IncomingMessage): Buffer => (req as { [RAW]?: Buffer })[RAW] ?? EMPTY;

/**
 * JSON bodies up to `limit` bytes. A larger body is a 400 RequestLimitExceeded, malformed JSON or
 * an unreadable body a 400, in Senlin's format with Senlin's messages. A body of any other content
 * type, or of none, is a 415: Senlin reads text/plain and untyped bodies as JSON, which lets any web
 * page a user opens send Grove a request in their name without a CORS preflight (a form or a
 * `fetch` with a text body); only a declared JSON body cannot be sent so. A bodiless request and a
 * webhook trigger are not held to it. Anything else goes on to Nest's error handler, whose
 * SenlinErrorFilter answers a fault too.
 */
export function useJsonBodies(app: INestApplication, limit: number): void {
  app.use((req: Request, res: Response, next: NextFunction) => {
    const type = mediaType(req);
    // A webhook trigger needs nothing but its URL, which anyone holding it may call from anywhere,
    // so a forged one gains nothing: its body is read when it is JSON and ignored otherwise.
    if (!hasBody(req) || declaredJson(type) || isWebhookTrigger(req.originalUrl.split('?')[0])) return next();
    res.setHeader('X-OpenStack-Request-ID', `req-${newId()}`);
    const named = type ? `Content-Type ${JSON.stringify(type.slice(0, 100))}` : 'a body without a Content-Type';
    res
      .status(415)
      .json(faultBody(415, 'HTTPUnsupportedMediaType', `Grove reads only application/json bodies, not ${named}.`));
  });
  app.use(
    express.json({
      limit,
      strict: false,
      type: (req) => declaredJson(mediaType(req)),
      verify: (req, _res, buf) => {
        (req as { [RAW]?: Buffer })[RAW] = buf;
        // The decoder would turn bad bytes (a raw lone surrogate, say) into U+FFFD and store that.
        if (!isUtf8(buf))
          throw Object.assign(new Error('the body is not valid UTF-8'), { type: 'entity.parse.failed' });
      },
    }),
  );
  app.use(
    (
      err: Error & { type?: string; status?: number; length?: number },
      _req: Request,
      res: Response,
      next: NextFunction,
    ) => {
      if (!err) return next();
      res.setHeader('X-OpenStack-Request-ID', `req-${newId()}`);
      if (err.type === 'entity.too.large') {
        const msg = `Request limit exceeded: JSON body size (${err.length ?? 'unknown'} bytes) exceeds maximum allowed size (${limit} bytes).`;
        res.status(400).json(faultBody(400, 'RequestLimitExceeded', msg));
        return;
      }
      if (
        err.type === 'entity.parse.failed' ||
        err.type === 'encoding.unsupported' ||
        err.type === 'charset.unsupported'
      ) {
        res.status(400).json(faultBody(400, 'HTTPBadRequest', `Malformed JSON in the request body: ${err.message}`));
        return;
      }
      if (err.status && err.status < 500) {
        res.status(400).json(faultBody(400, 'HTTPBadRequest', err.message));
        return;
      }
      next(err);
    },
  );
}
