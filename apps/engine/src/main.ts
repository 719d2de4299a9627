import 'reflect-metadata';
import { hostname } from 'node:os';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import {
  createRootLogger,
  EngineConfig,
  loadConfigOrExit,
  logReady,
  nestLogger,
  newId,
  onShutdown,
  sessionTimeoutsOf,
} from '@grove/core';
import { openDataSource } from '@grove/db';
import { expiresMs } from '@grove/rpc';
import { BusServer, createBus } from '@grove/rpc';
import { EngineAppModule } from './engine-app.module';

/** One engine: takes actions from the work queue and answers RPC calls; ops endpoints on OPS_PORT. */
async function main(): Promise<void> {
  const cfg = loadConfigOrExit(EngineConfig, { groups: ['split'] });
  const log = createRootLogger('grove-engine', { level: cfg.LOG_LEVEL, format: cfg.LOG_FORMAT });
  const ds = await openDataSource({
    secretKey: cfg.GROVE_SECRET_KEY,
    url: cfg.DATABASE_URL!,
    poolSize: cfg.DATABASE_POOL_SIZE,
    sessionTimeouts: sessionTimeoutsOf(cfg),
    applicationName: 'grove-engine',
  });
  const bus = createBus({
    amqpUrl: cfg.AMQP_URL,
    prefix: cfg.AMQP_PREFIX,
    logger: log,
    queueExpiresMs: expiresMs(cfg),
    service: 'grove-engine',
  });
  const engineId = newId();
  const app = await NestFactory.create(
    EngineAppModule.forRoot({ config: cfg, dataSource: ds, bus, logger: log, engineId, host: hostname() }),
    { bufferLogs: true },
  );
  app.useLogger(nestLogger(app.get(PinoNestLogger)));
  app.connectMicroservice({
    strategy: new BusServer(bus, 'engine', { workConcurrency: cfg.ENGINE_CONCURRENCY, rpcConcurrency: 64 }),
  });
  await app.startAllMicroservices();
  await app.listen(cfg.OPS_PORT, cfg.OPS_HOST);
  onShutdown(log, [() => app.close(), () => bus.close(), () => ds.destroy()]);
  const ops = await app.getUrl();
  logReady(log, `Grove engine ${engineId} is ready (ops endpoints on ${ops})`, { engineId, ops });
}

main().catch((e: unknown) => {
  process.stderr.write(`grove-engine failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
