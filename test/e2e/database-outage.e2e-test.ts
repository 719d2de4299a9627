import { Client } from 'pg';
import { actionOf, apiClient, startGroveProcesses, type GroveProcesses } from '@grove/testing';
import { serversOf, setSimulatorConfig } from './support/cloud';

const NODES = 60;

/**
 * Postgres drops every connection of Grove's processes in the middle of a cluster create (as a
 * database restart does). The processes reconnect by themselves, the create still ends, nothing
 * stays RUNNING, and the cloud and the database agree on the servers.
 */
describe('every database connection dropped during a create', () => {
  let grove: GroveProcesses;
  const api = apiClient(() => grove.apiUrl);

  beforeAll(async () => {
    grove = await startGroveProcesses({ engines: 2 });
    await setSimulatorConfig(grove.simUrl, { build_time_ms: 1000 });
  }, 120_000);

  afterAll(async () => {
    await grove?.stop();
  }, 60_000);

  it('recovers by itself and keeps cloud and database in agreement', async () => {
    await api.http('POST', '/v1/profiles', {
      body: {
        profile: {
          name: 'outage',
          spec: {
            type: 'os.nova.server',
            version: '1.0',
            properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk' },
          },
        },
      },
    });
    const created = await api.http<{ cluster: { id: string } }>('POST', '/v1/clusters', {
      body: { cluster: { name: 'outage', profile_id: 'outage', desired_capacity: NODES, timeout: 120 } },
    });
    expect(created.status).toBe(202);
    const clusterId = created.body.cluster.id;

    const t0 = Date.now();
    while ((await serversOf(grove.simUrl, clusterId)).length < NODES / 3) {
      if (Date.now() - t0 > 30_000) throw new Error(`servers never appeared\n${grove.logs()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const admin = new Client({ connectionString: grove.dbUrl });
    await admin.connect();
    try {
      const { rows } = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      expect(rows.length).toBeGreaterThan(0);

      // Requests during the outage answer at once, 503 at worst, never a hang or a 500.
      const during = await api.http('GET', `/v1/clusters/${clusterId}`);
      expect([200, 503]).toContain(during.status);

      const action = await api.waitForAction(actionOf(created), { timeoutMs: 120_000 });
      expect(['SUCCEEDED', 'FAILED']).toContain(action.status);
      if (action.status === 'FAILED') expect(String(action.status_reason)).not.toBe('');

      // The lost writes are found again: nothing stays RUNNING, READY or WAITING.
      const deadline = Date.now() + 60_000;
      for (;;) {
        const { rows: open } = await admin.query(
          `SELECT id FROM action WHERE status IN ('RUNNING', 'READY', 'WAITING')`,
        );
        if (!open.length) break;
        if (Date.now() > deadline) throw new Error(`still unfinished: ${JSON.stringify(open)}\n${grove.logs()}`);
        await new Promise((r) => setTimeout(r, 500));
      }
      const { rows: nodes } = await admin.query<{ physical_id: string | null; status: string }>(
        'SELECT physical_id, status FROM node WHERE cluster_id = $1',
        [clusterId],
      );
      const inCloud = new Set((await serversOf(grove.simUrl, clusterId)).map((s) => s.id));
      const inDb = new Set(nodes.map((n) => n.physical_id).filter((p): p is string => p !== null));
      expect([...inCloud].filter((s) => !inDb.has(s))).toEqual([]);
      expect([...inDb].filter((p) => !inCloud.has(p))).toEqual([]);
    } finally {
      await admin.end();
    }

    for (const p of grove.all) {
      const ready = await fetch(`${p.url}/readyz`).catch(() => null);
      if (p.name !== 'cloud-simulator') expect(ready?.status).toBe(200);
    }
  }, 240_000);
});
