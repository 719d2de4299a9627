import 'reflect-metadata';
import { ApiConfig, createRootLogger, loadConfigOrExit, logReady, onShutdown, sessionTimeoutsOf } from '@grove/core';
import { openDataSource } from '@grove/db';
import { expiresMs } from '@grove/rpc';
import { createBus } from '@grove/rpc';
import { createApiApp } from './api-app';
import { listenApi } from './http/listen';
import { startAllInOne } from './all-in-one/all-in-one';

/**
 * `node main.js` runs the api alone against DATABASE_URL and AMQP_URL (both required);
 * `node main.js --all-in-one` runs api, engine and health-manager in one process, embedding
 * Postgres, the bus and the cloud simulator for whatever is not configured.
 */
async function main(): Promise<void> {
  if (process.argv.includes('--all-in-one')) return startAllInOne();
  const cfg = loadConfigOrExit(ApiConfig, { groups: ['split'] });
  const log = createRootLogger('grove-api', { level: cfg.LOG_LEVEL, format: cfg.LOG_FORMAT });
  const ds = await openDataSource({
    secretKey: cfg.GROVE_SECRET_KEY,
    url: cfg.DATABASE_URL!,
    poolSize: cfg.DATABASE_POOL_SIZE,
    sessionTimeouts: sessionTimeoutsOf(cfg),
    applicationName: 'grove-api',
  });
  const bus = createBus({
    amqpUrl: cfg.AMQP_URL,
    prefix: cfg.AMQP_PREFIX,
    logger: log,
    queueExpiresMs: expiresMs(cfg),
    service: 'grove-api',
  });
  const app = await createApiApp({ config: cfg, dataSource: ds, bus, logger: log });
  const url = await listenApi(app, cfg, log);
  onShutdown(log, [() => app.close(), () => bus.close(), () => ds.destroy()]);
  logReady(log, `Grove api is ready on ${url}`, { url });
}

main().catch((e: unknown) => {
  const name = process.argv.includes('--all-in-one') ? 'grove' : 'grove-api';
  process.stderr.write(`${name} failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
