import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { newId, quoteBounded } from '@grove/core';
import { faultBody } from './senlin-error.filter';

/**
 * How deep a request body may nest. Senlin bounds only the size; Grove's validators and views
 * walk bodies recursively, so a 10,000-deep body would overflow the stack. No spec, template or
 * metadata a client sends comes near this.
 */
export const MAX_JSON_DEPTH = 100;

/**
 * Text Postgres cannot store: a NUL character, or a UTF-16 surrogate without its pair (both come
 * through JSON escapes such as `\u0000` and `\ud800`, or through `%00` in a URL).
 */
export function storableText(s: string): boolean {
  return !s.includes('\u0000') && !LONE_SURROGATE.test(s);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

type BodyProblem = { kind: 'depth' } | { kind: 'text'; at: string };

const join = (path: string, key: string | number) =>
  typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;

/**
 * The first reason a parsed JSON body cannot be taken: nested deeper than MAX_JSON_DEPTH, or a key
 * or string value that is not storable text. Walks with its own stack, so that the check itself
 * cannot overflow.
 */
export function bodyProblem(body: unknown, maxDepth = MAX_JSON_DEPTH): BodyProblem | null {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value: body, depth: 0, path: '' }];
  while (stack.length) {
    const { value, depth, path } = stack.pop()!;
    if (typeof value === 'string') {
      if (!storableText(value)) return { kind: 'text', at: path };
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= maxDepth) return { kind: 'depth' };
    if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push({ value: v, depth: depth + 1, path: join(path, i) }));
      continue;
    }
    for (const [k, v] of Object.entries(value)) {
      if (!storableText(k)) return { kind: 'text', at: join(path, quoteBounded(k)) };
      stack.push({ value: v, depth: depth + 1, path: join(path, k) });
    }
  }
  return null;
}

const NOT_STORABLE = 'a NUL character or an unpaired surrogate';

/** Why a request's path or query cannot be taken, or null. */
export function urlProblem(path: string, query: Record<string, unknown>): string | null {
  for (const segment of path.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      continue; // not percent-encoding at all: the router answers that with its own 400
    }
    if (!storableText(decoded)) return `The request path has ${NOT_STORABLE}.`;
  }
  for (const [key, v] of Object.entries(query)) {
    if (!storableText(key)) return `A query parameter name has ${NOT_STORABLE}.`;
    for (const one of Array.isArray(v) ? v : [v])
      if (typeof one === 'string' && !storableText(one))
        return `The value for '${quoteBounded(key)}' has ${NOT_STORABLE}.`;
  }
  return null;
}

/**
 * Refuses, before any validator or query runs, what would overflow a recursive walk or fail in
 * Postgres as an encoding error (a 500): over-deep bodies, and NULs or lone surrogates in the
 * path, the query or the body. Runs after the JSON body parser.
 */
export function useInputGuard(app: INestApplication): void {
  app.use((req: Request, res: Response, next: NextFunction) => {
    const refuse = (message: string) => {
      res.setHeader('X-OpenStack-Request-ID', `req-${newId()}`);
      res.status(400).json(faultBody(400, 'HTTPBadRequest', message));
    };
    const url = urlProblem(req.path, req.query as Record<string, unknown>);
    if (url) return refuse(url);
    const body = bodyProblem(req.body);
    if (body?.kind === 'depth') return refuse(`The JSON body is nested deeper than ${MAX_JSON_DEPTH} levels.`);
    if (body)
      return refuse(`The request body has ${NOT_STORABLE} in ${body.at ? `'${quoteBounded(body.at)}'` : 'it'}.`);
    next();
  });
}

/**
 * Requests Node's HTTP parser refuses before Express sees them (headers over 16 KiB, a malformed
 * request line) get Senlin's fault body too, instead of Node's bare status line.
 */
export function answerParserErrors(app: INestApplication): void {
  const server = app.getHttpServer() as Server;
  server.on('clientError', (err: Error & { code?: string }, socket: Duplex) => {
    if (!socket.writable) return socket.destroy();
    const [status, type, reason, message] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? [
            431,
            'HTTPRequestHeaderFieldsTooLarge',
            'Request Header Fields Too Large',
            'The request headers are too large.',
          ]
        : [400, 'HTTPBadRequest', 'Bad Request', 'The request is not valid HTTP.'];
    const body = JSON.stringify(faultBody(status, type, message));
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
