/**
 * Names shared by every test of one run. The run id keeps databases and queue names of
 * concurrent runs (and of CI on the same machine) apart.
 */
export const TEST_PG_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
export const TEST_AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export const runId = (): string => {
  const id = process.env.GROVE_TEST_RUN;
  if (!id) throw new Error('GROVE_TEST_RUN is not set: run tests through jest (globalSetup sets it)');
  return id;
};

export const templateDb = (): string => `grove_tmpl_${runId()}`;
export const dbUrl = (name: string): string => `${TEST_PG_URL}/${name}`;
