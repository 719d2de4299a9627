import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { ApiError } from './api-error';
import { errorBody } from './error-body';
import type { SimRequest } from './sim-request';

export interface FilterLogger {
  warn(obj: object, msg?: string): void;
}

/**
 * Renders every failure in the body format of the service that was called. ApiErrors carry their
 * own status and message; Nest's own (no such route, wrong method) and body-parser errors become
 * the service's 404/405/400; anything else is a simulator bug, answered 500 and logged.
 */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  constructor(private readonly log?: FilterLogger) {}

  catch(e: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<SimRequest>();
    const res = host.switchToHttp().getResponse<Response>();
    const service = req.simService ?? 'admin';
    let status: number;
    let message: string;
    let type: string | undefined;
    if (e instanceof ApiError) {
      ({ status, message, type } = e);
    } else if (e instanceof HttpException) {
      status = e.getStatus();
      message =
        status === 404 ? (service === 'docker' ? 'page not found' : 'The resource could not be found.') : e.message;
    } else if (isBodyError(e)) {
      status = e.status === 413 ? 413 : 400;
      message =
        status === 413
          ? 'Request is too large.'
          : service === 'docker'
            ? `invalid JSON: ${e.message}`
            : 'Malformed request body';
    } else {
      status = 500;
      message = 'The simulator failed to handle this request; its log says why.';
      this.log?.warn({ err: e, method: req.method, path: req.path }, 'cloud simulator: unexpected error');
    }
    if (res.headersSent) return;
    res.status(status).json(errorBody(service, status, message, type));
  }
}

/** A body-parser failure: unparsable JSON or a body over the size limit. */
function isBodyError(e: unknown): e is Error & { status: number } {
  const type = (e as { type?: unknown } | null)?.type;
  return e instanceof Error && typeof type === 'string' && type.startsWith('entity.');
}
