import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SeedError, startCloudSimulator } from '@grove/cloud-simulator';
import {
  AllInOneConfig,
  ConfigError,
  createRootLogger,
  loadConfigOrExit,
  logReady,
  newSealingKey,
  onShutdown,
  StartupError,
} from '@grove/core';
import type { LocalNotifications } from '@grove/health';
import { bootGrove } from './boot-grove';
import { startEmbeddedPostgres } from './embedded-postgres';

/**
 * Everything in one process for a newcomer's `npm start`: the api, an engine and a health-manager,
 * plus, for whatever is not configured, an embedded Postgres (DATABASE_URL unset; data kept under
 * GROVE_DATA_DIR), the in-process bus (AMQP_URL unset) and the cloud simulator (CLOUD_AUTH_URL unset).
 * A start that fails for a reason the user can fix ends with one sentence on stderr and exit code 1.
 */
export async function startAllInOne(): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  const cfg = loadConfigOrExit(AllInOneConfig, { env });
  const log = createRootLogger('grove', { level: cfg.LOG_LEVEL, format: cfg.LOG_FORMAT });
  const stops: (() => Promise<unknown>)[] = [];
  // The embedded cloud's Nova and Heat notifications, handed to the health manager without a broker.
  const notices = new EventEmitter();
  let localNotifications: LocalNotifications | undefined;

  try {
    env.GROVE_SECRET_KEY ??= sealingKeyIn(resolve(cfg.GROVE_DATA_DIR));
    if (!env.DATABASE_URL) {
      const pg = await startEmbeddedPostgres({
        dataDir: resolve(cfg.GROVE_DATA_DIR, 'postgres'),
        systemDir: resolve(cfg.GROVE_SYSTEM_DIR),
        log,
      });
      env.DATABASE_URL = pg.url;
      stops.unshift(() => pg.stop());
    }
    if (!env.CLOUD_AUTH_URL) {
      const sim = await startCloudSimulator({
        port: cfg.SIMULATOR_PORT,
        host: cfg.SIMULATOR_HOST,
        dockerPort: cfg.SIMULATOR_DOCKER_PORT,
        seedFile: cfg.SIMULATOR_SEED_FILE,
        logger: log.child({ component: 'cloud-simulator' }),
        notifications: { deliver: (m) => notices.emit('message', m) },
      });
      localNotifications = (handler) => {
        notices.on('message', handler);
        return () => notices.off('message', handler);
      };
      env.CLOUD_AUTH_URL = sim.authUrl;
      env.CLOUD_USERNAME ??= 'admin';
      env.CLOUD_PASSWORD ??= 'secret';
      env.CLOUD_PROJECT_NAME ??= 'admin';
      stops.unshift(() => sim.close());
      log.info({ authUrl: sim.authUrl, listing: `${sim.url}/admin/resources` }, 'cloud simulator is running');
    }
    const grove = await bootGrove(env, log, { migrate: true, localNotifications });
    onShutdown(log, [() => grove.close(), ...stops]);
    logReady(log, `Grove is ready on ${grove.url}`, { url: grove.url });
  } catch (e) {
    for (const stop of stops) await stop().catch(() => undefined);
    const message = startFailure(e);
    if (message === undefined) throw e;
    process.stderr.write(`${message}\n`);
    process.exit(1);
  }
}

/**
 * The key that seals secrets in the database, kept beside the data it protects (readable by its
 * owner only): made on the first start, read on the next ones.
 */
function sealingKeyIn(dataDir: string): string {
  const file = join(dataDir, 'secret-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const key = newSealingKey();
    writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw new StartupError(
      `Cannot create ${file} (${(e as NodeJS.ErrnoException).code}); set GROVE_DATA_DIR to a directory you can write.`,
    );
  }
}

/** What to tell the user about a start that failed for a reason they can fix; undefined for a bug. */
function startFailure(e: unknown): string | undefined {
  if (e instanceof ConfigError || e instanceof StartupError || e instanceof SeedError) return e.message;
  const err = e as NodeJS.ErrnoException & { address?: string; port?: number };
  if (err.code === 'EADDRINUSE')
    return `Port ${err.port} on ${err.address} is already in use (another Grove still running?); stop that process, or choose other ports with API_PORT, SIMULATOR_PORT and SIMULATOR_DOCKER_PORT.`;
  return undefined;
}
