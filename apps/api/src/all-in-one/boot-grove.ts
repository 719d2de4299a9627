import { hostname } from 'node:os';
import type { INestApplication } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ApiConfig, EngineConfig, HealthConfig, loadConfig, newId, sessionTimeoutsOf, type Logger } from '@grove/core';
import { migrate, openDataSource } from '@grove/db';
import { EngineModule } from '@grove/engine';
import { HealthModule, type LocalNotifications } from '@grove/health';
import { BusServer, createBus, expiresMs, type BusBackend } from '@grove/rpc';
import { createApiApp } from '../api-app';
import { listenApi } from '../http/listen';

export interface GroveProcess {
  app: INestApplication;
  /** Where the api listens, e.g. http://127.0.0.1:8777. */
  url: string;
  bus: BusBackend;
  dataSource: DataSource;
  close(): Promise<void>;
}

/**
 * The api, an engine and a health-manager in this process, from explicit settings: DATABASE_URL
 * and CLOUD_AUTH_URL must be set; AMQP_URL unset means the in-process bus. Used by all-in-one
 * mode and by tests that want the whole of Grove without starting processes.
 */
export async function bootGrove(
  env: NodeJS.ProcessEnv,
  log: Logger,
  o: { migrate?: boolean; localNotifications?: LocalNotifications } = {},
): Promise<GroveProcess> {
  const api = loadConfig(ApiConfig, { env });
  const engine = loadConfig(EngineConfig, { env, groups: ['cloud'] });
  const health = loadConfig(HealthConfig, { env });
  const dataSource = await openDataSource({
    secretKey: engine.GROVE_SECRET_KEY,
    url: api.DATABASE_URL!,
    poolSize: engine.DATABASE_POOL_SIZE,
    sessionTimeouts: sessionTimeoutsOf(engine),
    applicationName: 'grove',
  });
  if (o.migrate) {
    const applied = await migrate(dataSource);
    if (applied.length) log.info({ applied }, 'database migrated');
  }
  const bus = createBus({
    amqpUrl: api.AMQP_URL,
    prefix: engine.AMQP_PREFIX,
    logger: log,
    queueExpiresMs: expiresMs(api),
  });
  const host = hostname();
  const app = await createApiApp({
    config: api,
    dataSource,
    bus,
    logger: log,
    with: [
      EngineModule.forRoot({ config: engine, bus, logger: log, engineId: newId(), host }),
      HealthModule.forRoot({
        config: health,
        logger: log,
        serviceId: newId(),
        host,
        bus,
        localNotifications: o.localNotifications,
      }),
    ],
  });
  app.connectMicroservice({
    strategy: new BusServer(bus, 'engine', { workConcurrency: engine.ENGINE_CONCURRENCY, rpcConcurrency: 64 }),
  });
  await app.startAllMicroservices();
  const url = await listenApi(app, api, log);
  return {
    app,
    url,
    bus,
    dataSource,
    async close() {
      await app.close();
      await bus.close();
      await dataSource.destroy();
    },
  };
}
