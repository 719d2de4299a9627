import { ConfigError } from '../errors/config-error';
import { ApiConfig } from './api-config';
import { EngineConfig } from './engine-config';
import { loadConfig } from './load-config';

const problems = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};

describe('loadConfig', () => {
  it('names every missing setting of a separately started app at once', () => {
    expect(problems(() => loadConfig(EngineConfig, { env: {}, groups: ['split'] }))).toEqual([
      'DATABASE_URL: must be set',
      'AMQP_URL: must be set',
      'CLOUD_AUTH_URL: must be set',
      'CLOUD_PASSWORD: must be set',
    ]);
  });

  it('gives one line per bad value, with what was given', () => {
    const out = problems(() =>
      loadConfig(EngineConfig, { env: { DATABASE_URL: 'mysql://x', ENGINE_CONCURRENCY: 'lots', LOG_LEVEL: 'loud' } }),
    );
    expect(out).toContain("ENGINE_CONCURRENCY: must be an integer number (got 'lots')");
    expect(out).toContain("DATABASE_URL: must be a postgres:// URL (got 'mysql://x')");
    expect(out.find((p) => p.startsWith('LOG_LEVEL'))).toMatch(/must be one of the following values/);
  });

  it('applies defaults and converts types', () => {
    const c = loadConfig(ApiConfig, { env: { API_PORT: '9000', NAME_UNIQUE: 'yes', DEFAULT_ROLES: 'admin, member' } });
    expect(c).toMatchObject({
      API_PORT: 9000,
      NAME_UNIQUE: true,
      DEFAULT_ROLES: ['admin', 'member'],
      MAX_NODES_PER_CLUSTER: 1000,
    });
  });

  it('never shows a password it refused', () => {
    const out = problems(() => loadConfig(EngineConfig, { env: { CLOUD_PASSWORD: 'hunter2' }, groups: ['split'] }));
    expect(out.join('\n')).not.toContain('hunter2');
    expect(loadConfig(EngineConfig, { env: { CLOUD_PASSWORD: 'hunter2' } }).CLOUD_PASSWORD?.toString()).toBe('***');
  });
});
