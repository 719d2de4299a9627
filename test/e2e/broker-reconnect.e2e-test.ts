import { Client } from 'pg';
import { actionOf, apiClient, dropBrokerConnections, startGroveProcesses, type GroveProcesses } from '@grove/testing';
import { serversOf, setSimulatorConfig } from './support/cloud';

const NODES = 20;
const RPC_TIMEOUT_MS = 5_000;
const SPEC = {
  type: 'os.nova.server',
  version: '1.0',
  properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk' },
};

/**
 * RabbitMQ drops every connection of Grove's processes while two engines create a cluster (as a
 * broker restart does). The processes reconnect by themselves: the create still succeeds, later
 * actions and engine calls work, every process is ready again, and a call made meanwhile answers
 * within the RPC timeout.
 */
describe('every broker connection dropped during a create', () => {
  let grove: GroveProcesses;
  const api = apiClient(() => grove.apiUrl);
  let db: Client | undefined;

  beforeAll(async () => {
    grove = await startGroveProcesses({ engines: 2, env: { RPC_TIMEOUT_MS: String(RPC_TIMEOUT_MS) } });
    await setSimulatorConfig(grove.simUrl, { build_time_ms: 2000 });
    db = new Client({ connectionString: grove.dbUrl });
    await db.connect();
  }, 120_000);

  afterAll(async () => {
    await db?.end();
    await grove?.stop();
  }, 60_000);

  const succeeded = async (answer: { status: number; headers: Headers }, timeoutMs = 60_000) => {
    expect(answer.status).toBe(202);
    const action = await api.waitForAction(actionOf(answer as never), { timeoutMs });
    const what = `${String(action.action)} ${String(action.status)}: ${String(action.status_reason)}`;
    if (action.status !== 'SUCCEEDED') throw new Error(`${what}\n${grove.logs()}`);
  };
  const details = (nodeId: string) =>
    api.http<{ node: { details?: Record<string, unknown> } }>('GET', `/v1/nodes/${nodeId}?show_details=true`);
  const nodesOf = async (clusterId: string) =>
    (await api.http<{ nodes: { id: string; physical_id: string }[] }>('GET', `/v1/nodes?cluster_id=${clusterId}`)).body
      .nodes;

  it('recovers by itself: the create succeeds, scaling and engine calls work, every process is ready', async () => {
    expect((await api.http('POST', '/v1/profiles', { body: { profile: { name: 'bus', spec: SPEC } } })).status).toBe(
      201,
    );
    // A node made before the outage, whose details are an RPC to an engine.
    const probe = await api.http<{ cluster: { id: string } }>('POST', '/v1/clusters', {
      body: { cluster: { name: 'probe', profile_id: 'bus', desired_capacity: 1 } },
    });
    await succeeded(probe);
    const [probeNode] = await nodesOf(probe.body.cluster.id);
    expect((await details(probeNode.id)).status).toBe(200);

    const created = await api.http<{ cluster: { id: string } }>('POST', '/v1/clusters', {
      body: { cluster: { name: 'bus', profile_id: 'bus', desired_capacity: NODES, max_size: NODES + 5, timeout: 120 } },
    });
    expect(created.status).toBe(202);
    const clusterId = created.body.cluster.id;

    // Wait until both engines are creating nodes, so both have work in flight when the broker goes.
    const t0 = Date.now();
    for (;;) {
      const { rows } = await db!.query(
        `SELECT DISTINCT owner FROM action WHERE status = 'RUNNING' AND action = 'NODE_CREATE' AND owner IS NOT NULL`,
      );
      if (rows.length === 2) break;
      if (Date.now() - t0 > 30_000) throw new Error(`the engines never both created nodes\n${grove.logs()}`);
      await new Promise((r) => setTimeout(r, 20));
    }

    // The api, two engines and the health-manager, each named `grove-<service> [<prefix>] host:pid`.
    expect(await dropBrokerConnections(`[${grove.prefix}]`)).toBe(4);

    // A call to an engine made while the connections are down answers within the RPC timeout:
    // once the api has reconnected, or with a 503; never a hang or a 500.
    const asked = Date.now();
    const during = await details(probeNode.id);
    expect([200, 503]).toContain(during.status);
    expect(Date.now() - asked).toBeLessThan(RPC_TIMEOUT_MS + 1_000);

    await succeeded(created, 120_000);
    await succeeded(await api.http('POST', `/v1/clusters/${clusterId}/actions`, { body: { scale_out: { count: 2 } } }));
    const { body } = await api.http<{ cluster: { status: string; nodes: string[] } }>(
      'GET',
      `/v1/clusters/${clusterId}`,
    );
    expect(body.cluster.status).toBe('ACTIVE');
    expect(body.cluster.nodes).toHaveLength(NODES + 2);
    const inCloud = (await serversOf(grove.simUrl, clusterId)).map((s) => s.id).sort();
    expect((await nodesOf(clusterId)).map((n) => n.physical_id).sort()).toEqual(inCloud);
    const { rows: open } = await db!.query(
      `SELECT id, action, status FROM action WHERE status IN ('RUNNING', 'READY', 'WAITING')`,
    );
    expect(open).toEqual([]);

    const after = await details(probeNode.id);
    expect(after.status).toBe(200);
    expect(after.body.node.details).toEqual(expect.objectContaining({ flavor: expect.any(String) }));

    for (const p of grove.all.filter((x) => x.name !== 'cloud-simulator')) {
      const ready = await fetch(`${p.url}/readyz`);
      expect({ process: p.name, status: ready.status }).toEqual({ process: p.name, status: 200 });
    }
  }, 240_000);
});
