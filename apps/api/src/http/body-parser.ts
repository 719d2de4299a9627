import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import { newId } from '@grove/core';
import { faultBody } from './senlin-error.filter';

const mediaType = (req: IncomingMessage): string =>
  (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
const declaredJson = (type: string): boolean =>
  type === 'application/json' || type === 'json' || /^application\/[^/]+\+json$/.test(type);
/** Senlin also reads a body with no content type, or text/plain, as JSON when it starts with `{`. */
const maybeJson = (type: string): boolean => type === '' || type === 'text/plain';

const RAW = Symbol('grove:raw-body');
const EMPTY = Buffer.alloc(0);

/** The body as the client sent it (a signed webhook's signature covers these bytes); empty when none was read. */
export const rawBodyOf = (req: IncomingMessage): Buffer => (req as { [RAW]?: Buffer })[RAW] ?? EMPTY;

/** Marks a body that is not to be read at all (Senlin's `has_body` is false for it). */
class NotJson extends Error {
  readonly notJson = true;
}

/**
 * JSON bodies up to `limit` bytes. A larger body is a 400 RequestLimitExceeded, malformed JSON or
 * an unreadable body a 400, in Senlin's format with Senlin's messages. Bodies of other content
 * types are not read, as in Senlin; the handler then finds no body. Anything else goes on to Nest's
 * error handler, whose SenlinErrorFilter answers a fault too.
 */
export function useJsonBodies(app: INestApplication, limit: number): void {
  app.use(
    express.json({
      limit,
      strict: false,
      type: (req) => declaredJson(mediaType(req)) || maybeJson(mediaType(req)),
      verify: (req, _res, buf) => {
        (req as { [RAW]?: Buffer })[RAW] = buf;
        if (!declaredJson(mediaType(req)) && buf[0] !== 0x7b) throw new NotJson('not a JSON body');
        // The decoder would turn bad bytes (a raw lone surrogate, say) into U+FFFD and store that.
        if (!isUtf8(buf))
          throw Object.assign(new Error('the body is not valid UTF-8'), { type: 'entity.parse.failed' });
      },
    }),
  );
  app.use(
    (
      err: Error & { type?: string; status?: number; length?: number; notJson?: boolean },
      req: Request,
      res: Response,
      next: NextFunction,
    ) => {
      if (!err) return next();
      if (err.notJson) {
        req.body = undefined;
        return next();
      }
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
