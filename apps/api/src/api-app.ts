import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { nestLogger } from '@grove/core';
import { ApiAppModule, type ApiModuleOptions } from './api-app.module';
import { useJsonBodies } from './http/body-parser';
import { answerParserErrors, useInputGuard } from './http/input-guard';
import { useOpenApi } from './http/openapi';

/** The Nest application of the api, configured but not listening yet. */
export async function createApiApp(o: ApiModuleOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiAppModule.forRoot(o), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(nestLogger(app.get(PinoNestLogger)));
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  // Senlin's version negotiation strips the version segment, so `/v1.0/...` is `/v1/...`.
  app.use((req: { url: string }, _res: unknown, next: () => void) => {
    if (/^\/v1\.0(?=[/?]|$)/.test(req.url)) req.url = `/v1${req.url.slice(5)}`;
    next();
  });
  useJsonBodies(app, o.config.MAX_JSON_BODY_BYTES);
  useInputGuard(app);
  answerParserErrors(app);
  useOpenApi(app);
  return app;
}
