import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, guardConnections } from '@grove/db';

/** The test Postgres server, without a database name. */
export const TEST_PG_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

export interface TestDatabase {
  /** Set in beforeAll. */
  dataSource: DataSource;
  url: string;
  name: string;
}

async function withAdmin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: `${TEST_PG_URL}/postgres` });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A fresh database cloned from the run's migrated template (cheap: no migrations run again). */
export async function createTestDatabase(label = 't'): Promise<{ name: string; url: string }> {
  const run = process.env.GROVE_TEST_RUN;
  if (!run) throw new Error('GROVE_TEST_RUN is not set: run tests through jest');
  const name = `grove_${label
    .replace(/[^a-z0-9]/gi, '')
    .slice(0, 12)
    .toLowerCase()}${randomBytes(3).toString('hex')}_${run}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE grove_tmpl_${run}`));
  return { name, url: `${TEST_PG_URL}/${name}` };
}

/** An empty database (no schema) for a run that migrates it itself, e.g. with `npm run migrate`. */
export async function createEmptyDatabase(label = 't'): Promise<{ name: string; url: string }> {
  const run = process.env.GROVE_TEST_RUN ?? `x${Date.now().toString(36)}`;
  const name = `grove_${label
    .replace(/[^a-z0-9]/gi, '')
    .slice(0, 12)
    .toLowerCase()}${randomBytes(3).toString('hex')}_${run}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${name}`));
  return { name, url: `${TEST_PG_URL}/${name}` };
}

export async function dropTestDatabase(name: string): Promise<void> {
  await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/**
 * For a test file: a database cloned in beforeAll and dropped in afterAll, so files never share
 * state and can run in parallel.
 */
export function useTestDatabase(label?: string): TestDatabase {
  const db = {} as TestDatabase;
  beforeAll(async () => {
    const { name, url } = await createTestDatabase(label ?? expect.getState().testPath?.split('/').pop());
    Object.assign(db, { name, url });
    db.dataSource = guardConnections(
      await createDataSource({ url, poolSize: 10, applicationName: 'grove-test' }).initialize(),
    );
  });
  afterAll(async () => {
    await db.dataSource?.destroy();
    if (db.name) await dropTestDatabase(db.name);
  });
  return db;
}
