import {} from '@grove/testing';
import { clusterWithPolicy, healthPolicy, SERVER_SPEC, until, useHealthGrove } from './support';

interface ListedServer {
  id: string;
  host: string;
  status: string;
  metadata: Record<string, string>;
}

/**
 * HYPERVISOR_STATUS_POLLING: a compute host goes down (the simulator's admin API); the nodes whose
 * servers ran there are recreated elsewhere, and the others are left alone.
 */
describe('the health manager, HYPERVISOR_STATUS_POLLING', () => {
  const h = useHealthGrove();
  const api = h.api;

  const servers = async (clusterId: string): Promise<ListedServer[]> => {
    const res = await fetch(`${h.grove.simUrl}/admin/resources?type=servers&metadata.cluster_id=${clusterId}`);
    return ((await res.json()) as { servers: ListedServer[] }).servers;
  };

  it('recreates the nodes of a host that went down, elsewhere, and only those', async () => {
    await api.http('POST', '/v1/profiles', { body: { profile: { name: 'hv', spec: SERVER_SPEC } } });
    const clusterId = await clusterWithPolicy(api, {
      name: 'hv',
      profile: 'hv',
      size: 4,
      spec: healthPolicy(1, { type: 'HYPERVISOR_STATUS_POLLING' }),
    });

    const before = await servers(clusterId);
    const host = before[0].host;
    const onHost = before.filter((s) => s.host === host);
    const elsewhere = before.filter((s) => s.host !== host);
    const down = await fetch(`${h.grove.simUrl}/admin/hypervisors/${host}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ state: 'down' }),
    });
    expect(down.status).toBe(200);
    try {
      const after = await until(h.grove, 'the host’s nodes recreated elsewhere', async () => {
        const now = await servers(clusterId);
        const moved = onHost.every((old) => {
          const mine = now.filter((s) => s.metadata.cluster_node_id === old.metadata.cluster_node_id);
          return mine.length === 1 && mine[0].id !== old.id && mine[0].status === 'ACTIVE' && mine[0].host !== host;
        });
        return moved ? now : undefined;
      });
      // The servers on other hosts are the same ones.
      const ids = new Set(after.map((s) => s.id));
      expect(elsewhere.every((s) => ids.has(s.id))).toBe(true);
    } finally {
      await fetch(`${h.grove.simUrl}/admin/hypervisors/${host}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ state: 'up' }),
      });
    }
  }, 120_000);
});
