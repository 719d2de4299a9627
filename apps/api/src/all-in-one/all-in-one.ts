import { resolve } from 'node:path';
import { startCloudSimulator } from '@grove/cloud-simulator';
import { ConfigError, createRootLogger, onShutdown } from '@grove/core';
import { bootGrove } from './boot-grove';
import { startEmbeddedPostgres } from './embedded-postgres';

/**
 * Everything in one process for a newcomer's `npm start`: the api, an engine and a health-manager,
 * plus, for whatever is not configured, an embedded Postgres (DATABASE_URL unset; data kept under
 * GROVE_DATA_DIR), the in-process bus (AMQP_URL unset) and the cloud simulator (CLOUD_AUTH_URL unset).
 */
export async function startAllInOne(): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  const log = createRootLogger('grove', env.LOG_LEVEL || 'info');
  const stops: (() => Promise<unknown>)[] = [];

  if (!env.DATABASE_URL) {
    const pg = await startEmbeddedPostgres(resolve(env.GROVE_DATA_DIR ?? '.grove', 'postgres'), log);
    env.DATABASE_URL = pg.url;
    stops.unshift(() => pg.stop());
  }
  if (!env.CLOUD_AUTH_URL) {
    const sim = await startCloudSimulator({
      port: Number(env.SIMULATOR_PORT ?? 8790),
      host: env.SIMULATOR_HOST ?? '127.0.0.1',
      dockerPort: Number(env.SIMULATOR_DOCKER_PORT ?? 2375),
      seedFile: env.SIMULATOR_SEED_FILE || undefined,
      logger: log.child({ component: 'cloud-simulator' }),
    });
    env.CLOUD_AUTH_URL = sim.authUrl;
    env.CLOUD_USERNAME ??= 'admin';
    env.CLOUD_PASSWORD ??= 'secret';
    env.CLOUD_PROJECT_NAME ??= 'admin';
    stops.unshift(() => sim.close());
    log.info({ authUrl: sim.authUrl, listing: `${sim.url}/admin/resources` }, 'cloud simulator is running');
  }

  try {
    const grove = await bootGrove(env, log, { migrate: true });
    log.info({ url: grove.url }, 'grove (all-in-one) is listening');
    onShutdown(log, [() => grove.close(), ...stops]);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      for (const stop of stops) await stop().catch(() => undefined);
      process.exit(1);
    }
    throw e;
  }
}
