import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { apiClient, startGroveProcesses, type GroveProcesses } from '@grove/testing';
import { clusterWithPolicy, healthPolicy, SERVER_SPEC, until } from './support';

/**
 * NODE_STATUS_POLL_URL: the health manager polls each node's URL (here a server in the test
 * process answering per node name). The node whose URL stops answering OK is recreated; the
 * others are left alone.
 */
describe('the health manager, NODE_STATUS_POLL_URL', () => {
  let grove: GroveProcesses;
  let app: Server;
  let url: string;
  const sick = new Set<string>();
  const api = apiClient(() => grove.apiUrl);

  beforeAll(async () => {
    app = createServer((req, res) => {
      const name = decodeURIComponent((req.url ?? '').split('/').pop() ?? '');
      res.end(sick.has(name) ? 'FAILING' : 'OK');
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(app.address() as AddressInfo).port}/health/{nodename}`;
    grove = await startGroveProcesses({ engines: 1, env: { HEALTH_CHECK_INTERVAL_MIN_S: '1' } });
  }, 120_000);

  afterAll(async () => {
    await grove?.stop();
    await new Promise((resolve) => app?.close(resolve));
  }, 60_000);

  it('recreates the node whose URL stops answering as healthy, and only that one', async () => {
    await api.http('POST', '/v1/profiles', { body: { profile: { name: 'pu', spec: SERVER_SPEC } } });
    const clusterId = await clusterWithPolicy(api, {
      name: 'pu',
      profile: 'pu',
      size: 3,
      spec: healthPolicy(1, {
        type: 'NODE_STATUS_POLL_URL',
        options: {
          poll_url: url,
          poll_url_healthy_response: '^OK$',
          poll_url_retry_limit: 2,
          poll_url_retry_interval: 0,
        },
      }),
    });
    const { body } = await api.http<{ nodes: { id: string; name: string }[] }>(
      'GET',
      `/v1/nodes?cluster_id=${clusterId}`,
    );
    const victim = body.nodes[0];
    // A few healthy rounds first: nothing is recovered.
    await new Promise((r) => setTimeout(r, 3_000));
    sick.add(victim.name);

    const db = new Client({ connectionString: grove.dbUrl });
    await db.connect();
    try {
      const recovered = await until(grove, 'a recovery of the sick node', async () => {
        const { rows } = await db.query<{ target: string; status: string }>(
          `SELECT target, status FROM action WHERE action = 'NODE_RECOVER' AND cluster_id = $1`,
          [clusterId],
        );
        return rows.length ? rows : undefined;
      });
      sick.delete(victim.name);
      expect(recovered.map((r) => r.target)).toEqual([victim.id]);
      const events = await api.http<{ events: { status: string; status_reason: string }[] }>(
        'GET',
        `/v1/events?oid=${victim.id}&action=NODE_RECOVER`,
      );
      expect(events.body.events.find((e) => e.status === 'UNHEALTHY')?.status_reason).toContain(
        'NODE_STATUS_POLL_URL: the answer of 127.0.0.1',
      );
    } finally {
      await db.end();
    }
  }, 120_000);
});
