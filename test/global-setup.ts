import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createDataSource, migrate } from '@grove/db';
import { dbUrl, TEST_PG_URL, templateDb } from './run-env';

/** Once per jest run: a run id, and a migrated template database that each test file clones. */
export default async function globalSetup(): Promise<void> {
  process.env.GROVE_TEST_RUN ??= `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: `${TEST_PG_URL}/postgres` });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${templateDb()}`);
  } finally {
    await admin.end();
  }
  const ds = await createDataSource({
    url: dbUrl(templateDb()),
    poolSize: 2,
    applicationName: 'grove-test-setup',
  }).initialize();
  try {
    await migrate(ds);
  } finally {
    await ds.destroy();
  }
}
