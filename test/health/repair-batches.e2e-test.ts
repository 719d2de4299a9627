import { Client } from 'pg';
import { actionOf, cloudAdminClient, serversOf } from '@grove/testing';
import { breakServer, clusterWithPolicy, healthPolicy, SERVER_SPEC, until, useHealthGrove } from './support';

/**
 * Healing that keeps a cluster up: repairs go in batches bounded by what the cluster may lose
 * above its min_size, and a server the health manager recreates is put back in the load
 * balancer's pool in place of the old one.
 */
describe('repairs in bounded batches, and the load balancer after a recreate', () => {
  const h = useHealthGrove();
  const api = h.api;
  const cloud = () => cloudAdminClient(h.grove.simUrl);

  beforeAll(async () => {
    await api.http('POST', '/v1/profiles', {
      body: {
        profile: {
          name: 'rb',
          spec: { ...SERVER_SPEC, properties: { ...SERVER_SPEC.properties, networks: [{ network: 'private' }] } },
        },
      },
    });
  });

  afterEach(async () => {
    await cloud().setConfig({ build_time_ms: 0 });
  });

  /** The cluster's NODE_RECOVER actions, with when each ran. */
  const recoveries = async (clusterId: string) => {
    const db = new Client({ connectionString: h.grove.dbUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ target: string; status: string; start_time: Date; end_time: Date | null }>(
        `SELECT target, status, start_time, end_time FROM action
          WHERE action = 'NODE_RECOVER' AND cluster_id = $1 AND start_time IS NOT NULL`,
        [clusterId],
      );
      return rows;
    } finally {
      await db.end();
    }
  };

  /** The most of the intervals that overlap at one instant. */
  const mostAtOnce = (runs: { start_time: Date; end_time: Date | null }[]) => {
    const edges = runs.flatMap((r) => [
      [r.start_time.getTime(), 1],
      [(r.end_time ?? new Date()).getTime(), -1],
    ]);
    edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let now = 0;
    let most = 0;
    for (const [, d] of edges) most = Math.max(most, (now += d));
    return most;
  };

  it('repairs four failed nodes of a six-node cluster with min_size 4 two at a time, and says the others wait', async () => {
    const clusterId = await clusterWithPolicy(api, {
      name: 'batches',
      profile: 'rb',
      size: 6,
      minSize: 4,
      spec: healthPolicy(1),
    });
    // A recreated server takes 1.5 s to boot, so that repairs started together overlap.
    await cloud().setConfig({ build_time_ms: 1_500 });
    const servers = await serversOf(h.grove.simUrl, clusterId);
    for (const s of servers.slice(0, 4)) await breakServer(h.grove.simUrl, s.id);

    const done = await until(
      h.grove,
      'four recoveries to succeed',
      async () => {
        const rows = (await recoveries(clusterId)).filter((r) => r.status === 'SUCCEEDED');
        return new Set(rows.map((r) => r.target)).size >= 4 ? rows : undefined;
      },
      60_000,
    );
    expect(mostAtOnce(done)).toBe(2);
    const after = await serversOf(h.grove.simUrl, clusterId);
    expect(after.filter((s) => s.status === 'ACTIVE')).toHaveLength(6);

    const events = await api.http<{ events: { status: string; status_reason: string }[] }>(
      'GET',
      `/v1/events?oid=${clusterId}&action=CLUSTER_RECOVER`,
    );
    const waiting = events.body.events.filter((e) => e.status === 'REPAIRS_WAITING');
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting[0].status_reason).toMatch(/wait for a repair slot.*at most 2 at once \(min_size 4 of 6 nodes\)/);
  }, 90_000);

  it('puts a recreated server in the load balancer’s pool in place of the old one', async () => {
    const clusterId = await clusterWithPolicy(api, { name: 'lb-heal', profile: 'rb', size: 2, spec: healthPolicy(1) });
    const lb = await api.http<{ policy: { id: string } }>('POST', '/v1/policies', {
      body: {
        policy: {
          name: 'lb-heal-lb',
          spec: {
            type: 'senlin.policy.loadbalance',
            version: '1.1',
            properties: {
              pool: { protocol: 'HTTP', protocol_port: 80, subnet: 'private-subnet' },
              vip: { subnet: 'private-subnet', protocol: 'HTTP', protocol_port: 80 },
            },
          },
        },
      },
    });
    const attached = await api.http('POST', `/v1/clusters/${clusterId}/actions`, {
      body: { policy_attach: { policy_id: lb.body.policy.id } },
    });
    expect((await api.waitForAction(actionOf(attached), { timeoutMs: 60_000 })).status).toBe('SUCCEEDED');
    const binding = await api.http<{ cluster_policy: { data: Record<string, { data: { pool: string } }> } }>(
      'GET',
      `/v1/clusters/${clusterId}/policies/${lb.body.policy.id}`,
    );
    const pool = Object.values(binding.body.cluster_policy.data)[0].data.pool;
    const addressOf = (s: { addresses: Record<string, string[]> }) => Object.values(s.addresses).flat()[0];
    const membersAndServers = async () => {
      const [members, servers] = await Promise.all([
        cloud().members({ pool_id: pool }),
        cloud().servers({ metadata: { cluster_id: clusterId } }),
      ]);
      return { members: members.map((m) => m.address).sort(), servers: servers.map(addressOf).sort() };
    };
    const before = await membersAndServers();
    expect(before.members).toHaveLength(2);
    expect(before.members).toEqual(before.servers);

    const [victim] = await cloud().servers({ metadata: { cluster_id: clusterId } });
    await breakServer(h.grove.simUrl, victim.id);
    const after = await until(h.grove, 'the recreated server in the pool', async () => {
      const rows = await recoveries(clusterId);
      if (!rows.some((r) => r.status === 'SUCCEEDED')) return undefined;
      const now = await membersAndServers();
      return now.servers.length === 2 && !now.servers.includes(addressOf(victim)) ? now : undefined;
    });
    expect(after.members).toEqual(after.servers);
    expect(after.members).not.toContain(addressOf(victim));
  }, 90_000);
});
