import { actionOf, apiClient, serversOf, startGroveProcesses, type GroveProcesses } from '@grove/testing';
import { breakServer, healthPolicy, metric, SERVER_SPEC, until } from './support';

const CLUSTERS = 10;
const DEAD_AFTER_S = 5;
const HELD = /^grove_health_held_clusters (\d+)$/m;

/**
 * Two health-manager instances split ten registered clusters between them. One is killed with
 * SIGKILL: within one lease period the other holds all ten, and it recovers a node failed after
 * the kill in a cluster the dead one held.
 */
describe('two health managers, one killed', () => {
  let grove: GroveProcesses;
  const api = apiClient(() => grove.apiUrl);

  beforeAll(async () => {
    grove = await startGroveProcesses({
      engines: 1,
      healthManagers: 2,
      env: { HEALTH_CHECK_INTERVAL_MIN_S: '1', SERVICE_DEAD_AFTER_S: String(DEAD_AFTER_S) },
    });
  }, 120_000);

  afterAll(async () => {
    await grove?.stop();
  }, 60_000);

  it('splits the clusters, and the survivor takes the dead one’s within a lease and heals them', async () => {
    await api.http('POST', '/v1/profiles', { body: { profile: { name: 'hm2', spec: SERVER_SPEC } } });
    const policy = await api.http<{ policy: { id: string } }>('POST', '/v1/policies', {
      body: { policy: { name: 'hm2', spec: healthPolicy(1) } },
    });
    const clusters: string[] = [];
    for (let i = 0; i < CLUSTERS; i++) {
      const made = await api.http<{ cluster: { id: string } }>('POST', '/v1/clusters', {
        body: { cluster: { name: `hm2-${i}`, profile_id: 'hm2', desired_capacity: 1 } },
      });
      clusters.push(made.body.cluster.id);
      await api.waitForAction(actionOf(made));
      const attached = await api.http('POST', `/v1/clusters/${made.body.cluster.id}/actions`, {
        body: { policy_attach: { policy_id: policy.body.policy.id } },
      });
      expect((await api.waitForAction(actionOf(attached))).status).toBe('SUCCEEDED');
    }

    const [first, second] = grove.healthManagers;
    const split = await until(grove, 'both instances to hold five clusters', async () => {
      const held = [await metric(first, HELD), await metric(second, HELD)];
      return held[0] === CLUSTERS / 2 && held[1] === CLUSTERS / 2 ? held : undefined;
    });
    expect(split).toEqual([5, 5]);

    first.child.kill('SIGKILL');
    const killedAt = Date.now();
    await until(
      grove,
      'the survivor to hold all ten',
      async () => ((await metric(second, HELD)) === CLUSTERS ? true : undefined),
      (DEAD_AFTER_S + 5) * 1000,
    );
    // One lease (the dead-after window), plus the survivor's next lease round.
    expect(Date.now() - killedAt).toBeLessThan(DEAD_AFTER_S * 1000 + (DEAD_AFTER_S * 1000) / 3 + 2_000);

    // Every cluster is healed now, including those the dead instance held.
    const broken = await Promise.all(
      clusters.map(async (c) => {
        const [server] = await serversOf(grove.simUrl, c);
        await breakServer(grove.simUrl, server.id);
        return { cluster: c, server: server.id };
      }),
    );
    await until(grove, 'every cluster healed', async () => {
      for (const b of broken) {
        const [now] = await serversOf(grove.simUrl, b.cluster);
        if (!now || now.id === b.server || now.status !== 'ACTIVE') return undefined;
      }
      return true;
    });
  }, 180_000);
});
