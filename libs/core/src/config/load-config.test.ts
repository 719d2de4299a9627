import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../errors/config-error';
import { ApiConfig, listenHostOf, noauthExposed } from './api-config';
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
      'GROVE_SECRET_KEY: must be set',
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

  it('never shows the password of a URL it refused', () => {
    const out = problems(() => loadConfig(EngineConfig, { env: { DATABASE_URL: 'mysql://grove:hunter2@db/grove' } }));
    expect(out).toContain("DATABASE_URL: must be a postgres:// URL (got 'mysql://grove:***@db/grove')");
  });

  it('needs Keystone and Grove’s service user there in keystone mode, and names what is missing', () => {
    expect(problems(() => loadConfig(ApiConfig, { env: { AUTH_MODE: 'keystone' } }))).toEqual([
      'KEYSTONE_AUTH_URL: must be set',
      'KEYSTONE_USERNAME: must be set',
      'KEYSTONE_PASSWORD: must be set',
    ]);
    expect(problems(() => loadConfig(ApiConfig, { env: { AUTH_MODE: 'ldap' } }))[0]).toMatch(
      /^AUTH_MODE: must be one of/,
    );
  });

  it('listens on loopback in noauth mode unless told otherwise, and knows when that exposes it', () => {
    const at = (env: Record<string, string>) => {
      const c = loadConfig(ApiConfig, { env });
      return [listenHostOf(c), noauthExposed(c)];
    };
    expect(at({})).toEqual(['127.0.0.1', false]);
    expect(at({ API_HOST: '0.0.0.0' })).toEqual(['0.0.0.0', true]);
    expect(
      at({
        AUTH_MODE: 'keystone',
        KEYSTONE_AUTH_URL: 'http://k/v3',
        KEYSTONE_USERNAME: 'grove',
        KEYSTONE_PASSWORD: 'x',
      }),
    ).toEqual(['0.0.0.0', false]);
  });

  describe('settings from files (X_FILE)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'grove-config-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const file = (name: string, content: string) => {
      const path = join(dir, name);
      writeFileSync(path, content, { mode: 0o600 });
      return path;
    };

    it('reads a setting from the file its _FILE names, without the trailing newline', () => {
      const c = loadConfig(EngineConfig, {
        env: {
          CLOUD_PASSWORD_FILE: file('password', 'hunter2\n'),
          DATABASE_URL_FILE: file('db', 'postgres://grove:s3cret@db:5432/grove\n'),
        },
      });
      expect(c.CLOUD_PASSWORD?.reveal()).toBe('hunter2');
      expect(c.DATABASE_URL).toBe('postgres://grove:s3cret@db:5432/grove');
    });

    it('names a file it cannot read, and both forms set at once, never showing a value', () => {
      const out = problems(() =>
        loadConfig(EngineConfig, {
          env: {
            CLOUD_PASSWORD_FILE: join(dir, 'missing'),
            DATABASE_URL: 'postgres://grove:hunter2@db/grove',
            DATABASE_URL_FILE: file('db2', 'postgres://x@db/grove'),
          },
        }),
      );
      expect(out).toEqual(
        expect.arrayContaining([
          `CLOUD_PASSWORD_FILE: cannot read ${join(dir, 'missing')} (ENOENT)`,
          'DATABASE_URL and DATABASE_URL_FILE: set one of them, not both',
        ]),
      );
      expect(out.join('\n')).not.toContain('hunter2');
    });

    it('leaves alone _FILE variables that name no setting', () => {
      expect(() => loadConfig(EngineConfig, { env: { SSL_CERT_FILE: join(dir, 'nowhere') } })).not.toThrow();
    });
  });
});
