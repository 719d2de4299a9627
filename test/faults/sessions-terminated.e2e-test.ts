import { Client } from 'pg';
import { actionOf, apiClient, startGroveProcesses, type GroveProcesses } from '@grove/testing';
import { serversOf, setSimulatorConfig } from '../e2e/support/cloud';
import { consistency } from './consistency';

const NODES = 100;

/**
 * Every Postgres session of both engines is terminated (`pg_terminate_backend`, what an
 * administrator or a failover does) three times during a 100-node scale-out. Those are passing
 * errors: the scale-out must still succeed, with no node action FAILED because of them, nothing
 * left running or busy, and the cloud and the database in agreement.
 */
describe("Grove's database sessions terminated in the middle of a scale-out", () => {
  let grove: GroveProcesses;
  const api = apiClient(() => grove.apiUrl);

  beforeAll(async () => {
    grove = await startGroveProcesses({ engines: 2, env: { ENGINE_CONCURRENCY: '20' } });
    await setSimulatorConfig(grove.simUrl, { build_time_ms: 200, latency_ms: 50 });
  }, 120_000);

  afterAll(async () => {
    await grove?.stop();
  }, 60_000);

  it('succeeds anyway: the interrupted steps run again and no action fails for it', async () => {
    await api.http('POST', '/v1/profiles', {
      body: {
        profile: {
          name: 'cut',
          spec: {
            type: 'os.nova.server',
            version: '1.0',
            properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk' },
          },
        },
      },
    });
    const created = await api.http<{ cluster: { id: string } }>('POST', '/v1/clusters', {
      body: { cluster: { name: 'cut', profile_id: 'cut', desired_capacity: 0 } },
    });
    await api.waitForAction(actionOf(created));
    const clusterId = created.body.cluster.id;
    const out = await api.http('POST', `/v1/clusters/${clusterId}/actions`, { body: { scale_out: { count: NODES } } });
    expect(out.status).toBe(202);

    const admin = new Client({ connectionString: grove.dbUrl });
    await admin.connect();
    let terminated = 0;
    try {
      const t0 = Date.now();
      while ((await serversOf(grove.simUrl, clusterId)).length < NODES / 5) {
        if (Date.now() - t0 > 60_000) throw new Error(`servers never appeared\n${grove.logs()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      for (let i = 0; i < 3; i++) {
        const { rows } = await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
           WHERE datname = current_database() AND application_name = 'grove-engine' AND pid <> pg_backend_pid()`,
        );
        terminated += rows.length;
        await new Promise((r) => setTimeout(r, 400));
      }
    } finally {
      await admin.end();
    }
    expect(terminated).toBeGreaterThan(0);

    const action = await api.waitForAction(actionOf(out), { timeoutMs: 120_000 }).catch(async (e: Error) => {
      const db = new Client({ connectionString: grove.dbUrl });
      await db.connect();
      const { rows } = await db.query(
        `SELECT id, action, status, owner, epoch, retries, status_reason, updated_at FROM action
         WHERE status NOT IN ('SUCCEEDED', 'FAILED', 'CANCELLED')`,
      );
      await db.end();
      throw new Error(`${e.message}\nunfinished: ${JSON.stringify(rows, null, 1)}\n${grove.logs(60)}`);
    });
    const db = new Client({ connectionString: grove.dbUrl });
    await db.connect();
    try {
      const { rows: failed } = await db.query(`SELECT action, status_reason FROM action WHERE status = 'FAILED'`);
      expect({ status: action.status, failed }).toEqual({ status: 'SUCCEEDED', failed: [] });
    } finally {
      await db.end();
    }
    const after = await consistency(grove.dbUrl, grove.simUrl, clusterId);
    expect(after).toMatchObject({
      unfinished: [],
      stuck: [],
      orphans: [],
      ghosts: [],
      duplicates: [],
      servers: NODES,
      nodes: NODES,
    });
  }, 300_000);
});
