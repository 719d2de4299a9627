import 'reflect-metadata';
import { hostname } from 'node:os';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import {
  createRootLogger,
  HealthConfig,
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
import { HealthAppModule } from './health-app.module';

/** One health-manager; ops endpoints on OPS_PORT. */
async function main(): Promise<void> {
  const cfg = loadConfigOrExit(HealthConfig, { groups: ['split'] });
  const log = createRootLogger('grove-health-manager', { level: cfg.LOG_LEVEL, format: cfg.LOG_FORMAT });
  const ds = await openDataSource({
    secretKey: cfg.GROVE_SECRET_KEY,
    url: cfg.DATABASE_URL!,
    poolSize: cfg.DATABASE_POOL_SIZE,
    sessionTimeouts: sessionTimeoutsOf(cfg),
    applicationName: 'grove-health-manager',
  });
  const bus = createBus({
    amqpUrl: cfg.AMQP_URL,
    prefix: cfg.AMQP_PREFIX,
    logger: log,
    queueExpiresMs: expiresMs(cfg),
    service: 'grove-health-manager',
  });
  const serviceId = newId();
  const app = await NestFactory.create(
    HealthAppModule.forRoot({ config: cfg, dataSource: ds, bus, logger: log, serviceId, host: hostname() }),
    { bufferLogs: true },
  );
  app.useLogger(nestLogger(app.get(PinoNestLogger)));
  app.connectMicroservice({ strategy: new BusServer(bus, 'health', { workConcurrency: 16, rpcConcurrency: 16 }) });
  await app.startAllMicroservices();
  await app.listen(cfg.OPS_PORT, cfg.OPS_HOST);
  onShutdown(log, [() => app.close(), () => bus.close(), () => ds.destroy()]);
  const ops = await app.getUrl();
  logReady(log, `Grove health-manager ${serviceId} is ready (ops endpoints on ${ops})`, { serviceId, ops });
}

main().catch((e: unknown) => {
  process.stderr.write(`grove-health-manager failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
