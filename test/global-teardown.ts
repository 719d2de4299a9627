import { Client } from 'pg';
import { runId, TEST_PG_URL } from './run-env';

/** Drops every database this run made (the template and any clone a crashed file left behind). */
export default async function globalTeardown(): Promise<void> {
  const admin = new Client({ connectionString: `${TEST_PG_URL}/postgres` });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
      `grove\\_%\\_${runId()}%`,
    ]);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
