import { useGrove } from '../../src/testing/grove-harness';
import { clusterWorld } from './cluster-world';

/** Webhooks through the engine: tempest's functional test_receiver and api webhook_trigger. */
const h = useGrove();
const { succeeded, world, clusterOf, expectCloudMatches } = clusterWorld(h);

async function webhook(project: string, clusterId: string, action: string, params: Record<string, unknown>) {
  const a = await h.http<{ receiver: { id: string; channel: { alarm_url: string } } }>('POST', '/v1/receivers', {
    project,
    body: { receiver: { name: 'hook', type: 'webhook', cluster_id: clusterId, action, params } },
  });
  expect(a.status).toBe(201);
  return a.body.receiver;
}

/** What an alarm does: POST to the URL, nothing else. */
const trigger = async (url: string) => {
  const res = await fetch(url, { method: 'POST' });
  return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
};

describe('webhook receivers through the engine', () => {
  it('scale a cluster out by the count of their params when triggered', async () => {
    const { project, clusterId } = await world({ desired: 0 });
    const r = await webhook(project, clusterId, 'CLUSTER_SCALE_OUT', { count: 2 });
    const action = await succeeded(project, await trigger(r.channel.alarm_url));
    expect(action).toMatchObject({ name: `webhook_${r.id.slice(0, 8)}`, cause: 'RPC Request' });
    expect(await clusterOf(project, clusterId)).toMatchObject({ desired_capacity: 2, status: 'ACTIVE' });
    await expectCloudMatches(project, clusterId, 2);
  });

  it('resize a cluster with the params of the receiver (tempest webhook_trigger)', async () => {
    const { project, clusterId } = await world({ desired: 0 });
    const r = await webhook(project, clusterId, 'CLUSTER_RESIZE', { max_size: 2 });
    const a = await trigger(r.channel.alarm_url);
    expect(a.headers.get('location')).toContain('/actions/');
    await succeeded(project, a);
    expect(await clusterOf(project, clusterId)).toMatchObject({ max_size: 2 });
  });

  it('go with their cluster when it is deleted', async () => {
    const { project, clusterId } = await world({ desired: 0 });
    const r = await webhook(project, clusterId, 'CLUSTER_SCALE_OUT', {});
    await succeeded(project, await h.http('DELETE', `/v1/clusters/${clusterId}`, { project }));
    expect((await h.http('GET', `/v1/receivers/${r.id}`, { project })).status).toBe(404);
  });
});
