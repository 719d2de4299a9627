/**
 * `npm run migrate`: applies pending migrations to DATABASE_URL and exits. All-in-one mode and
 * the test harness call `migrate()` themselves.
 */
import 'reflect-metadata';
import { createDataSource, migrate } from './data-source';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/grove).');
    process.exit(1);
  }
  const ds = await createDataSource({ url, poolSize: 2, applicationName: 'grove-migrate' }).initialize();
  try {
    const names = await migrate(ds);
    console.log(names.length ? `Applied: ${names.join(', ')}` : 'The schema is up to date.');
  } finally {
    await ds.destroy();
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
