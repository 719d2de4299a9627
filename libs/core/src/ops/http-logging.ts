import type { IncomingMessage, ServerResponse } from 'node:http';
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
