import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { Request, Response } from 'express';
import { GroveError, newId, quoteBounded, ROOT_LOGGER, type Logger } from '@grove/core';

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
  // WebOb's HTTPMethodNotAllowed keeps the explanation of every client error.
  405: [
    'Method Not Allowed',
    'The server could not comply with the request since\r\nit is either malformed or otherwise incorrect.\r\n',
  ],
  406: [
    'Not Acceptable',
    'The resource could not be generated that was acceptable to your browser (content of type application/json.',
  ],
  409: ['Conflict', 'There was a conflict when trying to complete your request.'],
  415: ['Unsupported Media Type', 'The request media type is not supported by this server.'],
  431: ['Request Header Fields Too Large', 'The request header fields were too large.'],
  500: [
    'Internal Server Error',
    'The server has either erred or is incapable of performing\r\nthe requested operation.\r\n',
  ],
  503: ['Service Unavailable', 'The server is currently unavailable. Please try again at a later time.'],
};

/** The longest message a fault carries: whatever an error quotes, a huge input never comes back whole. */
const MESSAGE_MAX = 2000;

/** Senlin's fault body: `{code, title, explanation, error: {code, message, type}}`. */
export function faultBody(status: number, type: string, message: string) {
  const [title, explanation] = WEBOB[status] ?? WEBOB[500];
  return {
    code: status,
    error: { code: status, message: quoteBounded(message, MESSAGE_MAX), type },
    explanation,
    title,
  };
}

/**
 * Every error leaves the api in Senlin's format (STYLE C4), routed or not. Unknown errors are a
 * bug: a 500 with an error id the operator finds in the log next to the stack. An unmatched URL is
 * a 404 HTTPNotFound, a method the path does not have a 405 HTTPMethodNotAllowed with `Allow`
 * (Senlin answers both with WebOb's plain-text 404; clients only read the status).
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
    // Grove's own code throws GroveErrors: a Nest 404 is its answer to a request no route matched.
    if (e instanceof HttpException && e.getStatus() === 404) {
      const allow = allowedMethods(req);
      if (allow.length) {
        res.setHeader('Allow', allow.join(', '));
        const message = `The method ${req.method} is not allowed for this resource.`;
        res.status(405).json(faultBody(405, 'HTTPMethodNotAllowed', message));
        return;
      }
      res.status(404).json(faultBody(404, 'HTTPNotFound', 'The resource could not be found.'));
      return;
    }
    // Nest, Express and its router refuse some requests themselves (a path that is not valid
    // percent-encoding, say); they get the fault of WebOb's exception for that status.
    const refused = e instanceof HttpException ? e.getStatus() : clientErrorStatus(e);
    if (refused !== undefined && refused < 500) {
      const status = WEBOB[refused] ? refused : 400;
      res.status(status).json(faultBody(status, `HTTP${WEBOB[status][0].replace(/ /g, '')}`, (e as Error).message));
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

/** The 4xx status an Express-level error (http-errors style) carries, if any. */
function clientErrorStatus(e: unknown): number | undefined {
  const x = e as { status?: unknown; statusCode?: unknown } | null;
  const status = Number(x?.status ?? x?.statusCode);
  return Number.isInteger(status) && status >= 400 && status < 500 ? status : undefined;
}

interface RouteLayer {
  route?: { methods: Record<string, boolean> };
  matchers?: ((path: string) => unknown)[];
}

/**
 * The methods routed at this request's path, from Express's own router table (Nest registers
 * every route there), for a 405's `Allow`. Empty when no route has the path, or when the table is
 * not the shape expected (then the answer stays a 404).
 */
export function allowedMethods(req: Request): string[] {
  const stack = (req.app as unknown as { router?: { stack?: RouteLayer[] } }).router?.stack;
  if (!Array.isArray(stack)) return [];
  const own = req.method.toLowerCase();
  const methods = new Set<string>();
  for (const layer of stack) {
    if (!layer.route || !Array.isArray(layer.matchers)) continue;
    // A route that takes this very method yet let the request through is middleware (Nest
    // mounts it on every method at `/{*path}`), not an endpoint.
    if (layer.route.methods[own] || layer.route.methods._all) continue;
    if (!layer.matchers.some((match) => match(req.path))) continue;
    for (const [method, on] of Object.entries(layer.route.methods))
      if (on && method !== '_all') methods.add(method.toUpperCase());
  }
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}
