import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoggerService } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { newId } from '../ids';
import type { Logger } from '../logging';

/**
 * nestjs-pino for a Grove process: the given root logger, a request id of Senlin's form
 * (`req-<uuid>`) on every request and every log line inside it, echoed in X-OpenStack-Request-ID.
 * Successful requests log at debug (access logs on demand), client errors at warn, server errors at error.
 */
export function groveLoggerModule(logger: Logger) {
  return LoggerModule.forRoot({
    pinoHttp: {
      logger,
      genReqId: (_req: IncomingMessage, res: ServerResponse) => {
        const id = `req-${newId()}`;
        res.setHeader('X-OpenStack-Request-ID', id);
        return id;
      },
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug',
      quietReqLogger: true,
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
  });
}

/** Nest's start-up chatter (every module loaded, every route mapped): useful when debugging, noise otherwise. */
const NEST_BOOT_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestMicroservice',
  'NestApplication',
]);

/** Nest's logger for app.useLogger(): nestjs-pino's, with Nest's start-up chatter at debug. */
export function nestLogger(inner: LoggerService): LoggerService {
  return {
    log: (message: unknown, ...rest: unknown[]) =>
      NEST_BOOT_CONTEXTS.has(rest[rest.length - 1] as string)
        ? inner.debug?.(message, ...rest)
        : inner.log(message, ...rest),
    error: (message: unknown, ...rest: unknown[]) => inner.error(message, ...rest),
    warn: (message: unknown, ...rest: unknown[]) => inner.warn(message, ...rest),
    debug: (message: unknown, ...rest: unknown[]) => inner.debug?.(message, ...rest),
    verbose: (message: unknown, ...rest: unknown[]) => inner.verbose?.(message, ...rest),
    fatal: (message: unknown, ...rest: unknown[]) => inner.fatal?.(message, ...rest),
  };
}
