import { actionOf, apiClient } from '@grove/testing';
import { serversOf } from './support/cloud';
import { startGroveProcesses, type GroveProcesses } from '@grove/testing';

const SPEC = {
  type: 'os.nova.server',
  version: '1.0',
  properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk', networks: [{ network: 'private' }] },
};

/** The three apps as separate processes, one cluster's whole life over HTTP. */
describe('a cluster lifecycle across api, engine and health-manager processes', () => {
  let grove: GroveProcesses;
  const api = apiClient(() => grove.apiUrl);

  beforeAll(async () => {
    grove = await startGroveProcesses({ engines: 2 });
  }, 120_000);

  afterAll(async () => {
    await grove?.stop();
  }, 60_000);

  const ended = async (answer: { status: number; headers: Headers }) => {
    expect(answer.status).toBe(202);
    const action = await api.waitForAction(actionOf(answer as never), { timeoutMs: 60_000 });
    if (action.status !== 'SUCCEEDED')
      throw new Error(
        `${String(action.action)} ${String(action.status)}: ${String(action.status_reason)}\n${grove.logs()}`,
      );
    return action;
  };

  it('lists every process as a live service', async () => {
    const { body } = await api.http<{ services: { binary: string; state: string }[] }>('GET', '/v1/services', {
      roles: 'admin',
    });
    const up = body.services
      .filter((s) => s.state === 'up')
      .map((s) => s.binary)
      .sort();
    expect(up).toEqual(['grove-engine', 'grove-engine', 'grove-health-manager']);
  });

  it('creates, scales, resizes and deletes a cluster, the cloud always matching the database', async () => {
    const profile = await api.http<{ profile: { id: string } }>('POST', '/v1/profiles', {
      body: { profile: { name: 'web', spec: SPEC } },
    });
    expect(profile.status).toBe(201);

    const created = await api.http<{ cluster: { id: string; status: string } }>('POST', '/v1/clusters', {
      body: { cluster: { name: 'web', profile_id: 'web', desired_capacity: 3, max_size: 10 } },
    });
    expect(created.body.cluster.status).toBe('INIT');
    const id = created.body.cluster.id;
    await ended(created);

    const matches = async (n: number) => {
      const { body } = await api.http<{ cluster: { status: string; nodes: string[] } }>('GET', `/v1/clusters/${id}`);
      expect(body.cluster.status).toBe('ACTIVE');
      expect(body.cluster.nodes).toHaveLength(n);
      const nodes = await api.http<{ nodes: { physical_id: string; status: string }[] }>(
        'GET',
        `/v1/nodes?cluster_id=${id}`,
      );
      const physical = nodes.body.nodes.map((x) => x.physical_id).sort();
      expect(nodes.body.nodes.every((x) => x.status === 'ACTIVE')).toBe(true);
      expect((await serversOf(grove.simUrl, id)).map((s) => s.id).sort()).toEqual(physical);
    };
    await matches(3);

    await ended(await api.http('POST', `/v1/clusters/${id}/actions`, { body: { scale_out: { count: 2 } } }));
    await matches(5);
    await ended(await api.http('POST', `/v1/clusters/${id}/actions`, { body: { scale_in: { count: 1 } } }));
    await matches(4);
    await ended(
      await api.http('POST', `/v1/clusters/${id}/actions`, {
        body: { resize: { adjustment_type: 'EXACT_CAPACITY', number: 2 } },
      }),
    );
    await matches(2);

    const events = await api.http<{ events: { action: string; status: string }[] }>(
      'GET',
      `/v1/events?cluster_id=${id}`,
    );
    const seen = new Set(events.body.events.map((e) => `${e.action}:${e.status}`));
    for (const e of ['CLUSTER_CREATE:start', 'CLUSTER_CREATE:end', 'CLUSTER_SCALE_OUT:end', 'CLUSTER_RESIZE:end']) {
      expect(seen).toContain(e);
    }

    const deleted = await api.http('DELETE', `/v1/clusters/${id}`);
    expect(deleted.body).toBeNull();
    await ended(deleted);
    expect((await api.http('GET', `/v1/clusters/${id}`)).status).toBe(404);
    expect(await serversOf(grove.simUrl, id)).toEqual([]);
  }, 180_000);
});
