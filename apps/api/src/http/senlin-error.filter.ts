import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { Request, Response } from 'express';
import { GroveError, newId, ROOT_LOGGER, type Logger } from '@grove/core';

/** WebOb's title and explanation for each status, which Senlin's fault body carries. */
const WEBOB: Record<number, [string, string]> = {
  400: [
    'Bad Request',
    'The server could not comply with the request since\r\nit is either malformed or otherwise incorrect.\r\n',
  ],
  401: [
    'Unauthorized',
    'This server could not verify that you are authorized to access the document you requested.  Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required.',
  ],
  403: ['Forbidden', 'Access was denied to this resource.'],
  404: ['Not Found', 'The resource could not be found.'],
  405: ['Method Not Allowed', 'The method is not allowed for this resource.'],
  406: [
    'Not Acceptable',
    'The resource could not be generated that was acceptable to your browser (content of type application/json.',
  ],
  409: ['Conflict', 'There was a conflict when trying to complete your request.'],
  500: [
    'Internal Server Error',
    'The server has either erred or is incapable of performing\r\nthe requested operation.\r\n',
  ],
  503: ['Service Unavailable', 'The server is currently unavailable. Please try again at a later time.'],
};

/** Senlin's fault body: `{code, title, explanation, error: {code, message, type}}`. */
export function faultBody(status: number, type: string, message: string) {
  const [title, explanation] = WEBOB[status] ?? WEBOB[500];
  return { code: status, error: { code: status, message, type }, explanation, title };
}

/**
 * Every error leaves the api in Senlin's format (STYLE C4). Unknown errors are a bug: a 500 with
 * an error id the operator finds in the log next to the stack. An unmatched URL gets a plain 404.
 */
@Catch()
export class SenlinErrorFilter implements ExceptionFilter {
  constructor(@Inject(ROOT_LOGGER) private readonly log: Logger) {}

  catch(e: unknown, host: ArgumentsHost): void {
    // In all-in-one mode the engine's message handlers share this app; their errors go back over the bus.
    if (host.getType() !== 'http') throw e;
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<Request & { ctx?: { requestId: string } }>();
    res.removeHeader('OpenStack-API-Version');
    res.removeHeader('Vary');
    if (e instanceof GroveError) {
      res.status(e.status).json(faultBody(e.status, e.type, e.message));
      return;
    }
    if (e instanceof HttpException && e.getStatus() === 404) {
      res.status(404).type('text/plain').send('404 Not Found\n\nThe resource could not be found.\n\n   ');
      return;
    }
    if (e instanceof HttpException && e.getStatus() < 500) {
      res.status(e.getStatus()).json(faultBody(e.getStatus(), 'HTTPException', e.message));
      return;
    }
    if (databaseUnavailable(e)) {
      this.log.warn({ err: e, requestId: req.ctx?.requestId }, 'database unavailable');
      res
        .status(503)
        .json(faultBody(503, 'ServiceUnavailable', 'The database is not reachable right now; try again shortly.'));
      return;
    }
    const errorId = newId();
    this.log.error(
      { err: e, errorId, requestId: req.ctx?.requestId, method: req.method, path: req.path },
      'unexpected error',
    );
    res.status(500).json(faultBody(500, 'InternalError', `An unexpected error occurred (error id ${errorId}).`));
  }
}

/** Postgres SQLSTATE classes and socket errors that mean "the database is away", not "the request is wrong". */
const DB_GONE_CODES = /^(08|57P0[1-3]|53300)/;
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);

function databaseUnavailable(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur && depth < 4; depth++) {
    const x = cur as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
    if (typeof x.code === 'string' && (DB_GONE_CODES.test(x.code) || SOCKET_CODES.has(x.code))) return true;
    if (
      typeof x.message === 'string' &&
      /Connection terminated|timeout exceeded when trying to connect/.test(x.message)
    )
      return true;
    cur = x.driverError ?? x.cause;
  }
  return false;
}
