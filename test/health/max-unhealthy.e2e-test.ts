import { serversOf } from '@grove/testing';
import {
  breakServer,
  clusterWithPolicy,
  healthPolicy,
  recoveriesOf,
  SERVER_SPEC,
  until,
  useHealthGrove,
} from './support';

const NODES = 20;
const FAILED = 6;

/**
 * Grove's max_unhealthy (microversion 1.15): six of a 20-node cluster's servers (30 %) fail at
 * once. With `max_unhealthy: 20%` nothing is repaired and an event says why; with 50 % all six
 * are. Below 1.15 the item does not exist.
 */
describe('the health policy’s max_unhealthy', () => {
  const h = useHealthGrove();
  const api = h.api;

  beforeAll(async () => {
    await api.http('POST', '/v1/profiles', { body: { profile: { name: 'mu', spec: SERVER_SPEC } } });
  });

  const spec = (maxUnhealthy: string) => {
    const s = healthPolicy(1);
    return {
      ...s,
      properties: { ...s.properties, recovery: { ...s.properties.recovery, max_unhealthy: maxUnhealthy } },
    };
  };

  /** A cluster of 20 with the policy attached, six of its servers failed at once; their ids. */
  const clusterWithFailures = async (name: string, maxUnhealthy: string) => {
    const clusterId = await clusterWithPolicy(api, {
      name,
      profile: 'mu',
      size: NODES,
      spec: spec(maxUnhealthy),
      version: '1.15',
    });
    const victims = (await serversOf(h.grove.simUrl, clusterId)).slice(0, FAILED);
    await Promise.all(victims.map((s) => breakServer(h.grove.simUrl, s.id)));
    return { clusterId, victims };
  };

  it('is refused below microversion 1.15, as any unknown item', async () => {
    const res = await api.http<{ error: { message: string } }>('POST', '/v1/policies', {
      body: { policy: { name: 'old', spec: spec('20%') } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("Unrecognizable spec item 'recovery.max_unhealthy'");
    const bad = await api.http('POST', '/v1/policies', {
      version: '1.15',
      body: { policy: { name: 'bad', spec: spec('120%') } },
    });
    expect(bad.status).toBe(400);
  });

  it('at 20 %, repairs none of six failed nodes and says why', async () => {
    const { clusterId } = await clusterWithFailures('held', '20%');
    const event = await until(h.grove, 'an event saying why nothing is repaired', async () => {
      const { body } = await api.http<{ events: { status: string; status_reason: string }[] }>(
        'GET',
        `/v1/events?oid=${clusterId}&action=CLUSTER_RECOVER`,
      );
      return body.events.find((e) => e.status === 'REPAIRS_HELD_BACK');
    });
    expect(event.status_reason).toMatch(/^6 of 20 nodes are unhealthy .* more than max_unhealthy 20% allows \(4\)/);
    // A few more rounds: still nothing repaired.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await recoveriesOf(h.grove, clusterId)).toEqual([]);
  }, 90_000);

  it('at 50 %, repairs all six', async () => {
    const { clusterId, victims } = await clusterWithFailures('repaired', '50%');
    const gone = new Set(victims.map((v) => v.id));
    await until(h.grove, 'all six replaced', async () => {
      const servers = await serversOf(h.grove.simUrl, clusterId);
      return servers.length === NODES && servers.every((s) => !gone.has(s.id) && s.status === 'ACTIVE')
        ? true
        : undefined;
    });
  }, 90_000);
});
