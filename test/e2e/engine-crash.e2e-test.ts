import { Client } from 'pg';
import { actionOf, apiClient } from '@grove/testing';
import { serversOf, setSimulatorConfig } from './support/cloud';
import { startGroveProcesses, type GroveProcesses } from '@grove/testing';

const NODES = 200;

/**
 * Two engines build a 200-node cluster; one is killed with SIGKILL midway. The create must still
 * end (SUCCEEDED, or FAILED with a reason) within its timeout, nothing may stay RUNNING, and the
 * cloud and the database must agree on the servers: no orphan server, no node without one.
 */
describe('an engine killed in the middle of a 200-node create', () => {
  let grove: GroveProcesses;
  const api = apiClient(() => grove.apiUrl);

  beforeAll(async () => {
    grove = await startGroveProcesses({ engines: 2, env: { ENGINE_CONCURRENCY: '50' } });
    // Servers take a while to build, so that the kill lands while many are half made.
    await setSimulatorConfig(grove.simUrl, { build_time_ms: 1500, latency_ms: 20 });
  }, 120_000);

  afterAll(async () => {
    await grove?.stop();
  }, 60_000);

  it('ends the action, leaves nothing RUNNING, and keeps cloud and database in agreement', async () => {
    await api.http('POST', '/v1/profiles', {
      body: {
        profile: {
          name: 'crash',
          spec: {
            type: 'os.nova.server',
            version: '1.0',
            properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk' },
          },
        },
      },
    });
    const timeoutS = 150;
    const created = await api.http<{ cluster: { id: string } }>('POST', '/v1/clusters', {
      body: { cluster: { name: 'crash', profile_id: 'crash', desired_capacity: NODES, timeout: timeoutS } },
    });
    expect(created.status).toBe(202);
    const clusterId = created.body.cluster.id;
    const actionId = actionOf(created);

    // Kill the first engine once a good part of the servers exist but many are still building.
    const t0 = Date.now();
    for (;;) {
      if ((await serversOf(grove.simUrl, clusterId)).length >= NODES / 4) break;
      if (Date.now() - t0 > 60_000) throw new Error(`servers never appeared\n${grove.logs()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    grove.engines[0].child.kill('SIGKILL');

    const action = await api.waitForAction(actionId, { timeoutMs: timeoutS * 1000 });
    expect(['SUCCEEDED', 'FAILED']).toContain(action.status);
    if (action.status === 'FAILED') expect(String(action.status_reason)).not.toBe('');

    const db = new Client({ connectionString: grove.dbUrl });
    await db.connect();
    try {
      // Every child has ended too: nothing is left RUNNING (or READY/WAITING) anywhere.
      const { rows: unfinished } = await db.query(
        `SELECT id, action, status, owner FROM action WHERE status IN ('RUNNING', 'READY', 'WAITING')`,
      );
      expect(unfinished).toEqual([]);
      const { rows: nodes } = await db.query<{ physical_id: string | null; status: string }>(
        'SELECT physical_id, status FROM node WHERE cluster_id = $1',
        [clusterId],
      );
      const servers = await serversOf(grove.simUrl, clusterId);
      const inCloud = new Set(servers.map((s) => s.id));
      const inDb = new Set(nodes.map((n) => n.physical_id).filter((p): p is string => p !== null));
      // No orphan: every server has a node. No ghost: every ACTIVE node has a server.
      expect([...inCloud].filter((s) => !inDb.has(s))).toEqual([]);
      expect(nodes.filter((n) => n.status === 'ACTIVE' && !inCloud.has(n.physical_id!))).toEqual([]);
      expect([...inDb].filter((p) => !inCloud.has(p))).toEqual([]);
    } finally {
      await db.end();
    }
  }, 300_000);
});
