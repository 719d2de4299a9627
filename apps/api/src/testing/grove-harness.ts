import { createRootLogger } from '@grove/core';
import { startCloudSimulator, type CloudSimulator } from '@grove/cloud-simulator';
import {
  apiClient,
  createTestDatabase,
  dropTestDatabase,
  TEST_SEALING_KEY,
  type ApiClient,
  type KeystoneUnderTest,
  type UseApi,
} from '@grove/testing';
import { bootGrove, type GroveProcess } from '../all-in-one/boot-grove';

export { actionOf, type HttpAnswer } from '@grove/testing';

export interface Grove extends ApiClient {
  /** Set in beforeAll. */
  url: string;
  sim: CloudSimulator;
  grove: GroveProcess;
}

/**
 * The whole of Grove in the test process for one test file: a cloned database, a cloud simulator
 * on free ports, and api + engine + health-manager on the in-process bus, all real. `env` may be
 * made from the simulator (its Keystone's address, say).
 */
export function useGrove(env: Record<string, string> | ((sim: CloudSimulator) => Record<string, string>) = {}): Grove {
  const h = apiClient(() => h.url) as Grove;
  let dbName = '';
  beforeAll(async () => {
    const db = await createTestDatabase('grove');
    dbName = db.name;
    h.sim = await startCloudSimulator({ port: 0, dockerPort: 0 });
    const log = createRootLogger('grove-test', { level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });
    h.grove = await bootGrove(
      {
        DATABASE_URL: db.url,
        CLOUD_AUTH_URL: h.sim.authUrl,
        CLOUD_PASSWORD: 'secret',
        API_PORT: '0',
        API_HOST: '127.0.0.1',
        SCAN_INTERVAL_S: '1',
        READY_RESCAN_AFTER_S: '2',
        HEARTBEAT_INTERVAL_S: '1',
        SERVICE_DEAD_AFTER_S: '5',
        CLOUD_POLL_MIN_MS: '20',
        CLOUD_POLL_MAX_MS: '200',
        DATABASE_POOL_SIZE: '10',
        GROVE_SECRET_KEY: TEST_SEALING_KEY,
        ...(typeof env === 'function' ? env(h.sim) : env),
      },
      log,
    );
    h.url = h.grove.url;
  }, 60_000);
  afterAll(async () => {
    await h.grove?.close();
    await h.sim?.close();
    if (dbName) await dropTestDatabase(dbName);
  }, 60_000);
  return h;
}

/**
 * `useGrove` as the Keystone contracts of @grove/testing take it (UseApi): Grove in process, its
 * settings made from its simulator's Keystone address.
 */
export const useGroveForContract: UseApi = (env) => {
  const h = useGrove((sim) => env(sim.authUrl));
  return {
    get url() {
      return h.url;
    },
    get simUrl() {
      return h.sim.url;
    },
  };
};

/** The simulator seed's accounts: admin (admin in admin and demo), demo and alt_demo (members of their projects). */
export const SIMULATOR_ACCOUNTS = (authUrl: string): KeystoneUnderTest => {
  const admin = { user: 'admin', password: 'secret', project: 'admin' };
  return {
    authUrl,
    service: admin,
    member: { user: 'demo', password: 'secret', project: 'demo' },
    other: { user: 'alt_demo', password: 'secret', project: 'alt_demo' },
    admin,
  };
};
