import { freshProject } from '@grove/testing';
import { useGrove, type HttpAnswer } from '../testing/grove-harness';
import { expectAccepted } from '../testing/senlin-answers';

/**
 * Tempest's success paths, through the api and the engine against the cloud simulator: each
 * request is accepted and its action ends SUCCEEDED, leaving what a client would then see.
 */
const h = useGrove();

const SPEC = {
  type: 'os.nova.server',
  version: '1.0',
  properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk', networks: [{ network: 'private' }] },
};

const project = freshProject();
const call = <T = Record<string, unknown>>(method: string, path: string, body?: unknown, version = '1.14') =>
  h.http<T>(method, path, { project, body, version });

async function succeeded(a: HttpAnswer<unknown>, o: { actionBody?: boolean } = {}): Promise<Record<string, unknown>> {
  const id = expectAccepted(a, o);
  const action = await h.waitForAction(id, { project, timeoutMs: 60_000 });
  if (action.status !== 'SUCCEEDED')
    throw new Error(`${String(action.action)} ${String(action.status)}: ${String(action.status_reason)}`);
  return action;
}

async function newNode(name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const a = await call<{ node: { id: string } }>('POST', '/v1/nodes', {
    node: { name, profile_id: 'flows', ...extra },
  });
  await succeeded(a, { actionBody: false });
  return a.body.node.id;
}

async function newCluster(name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const a = await call<{ cluster: { id: string } }>('POST', '/v1/clusters', {
    cluster: { name, profile_id: 'flows', ...extra },
  });
  await succeeded(a, { actionBody: false });
  return a.body.cluster.id;
}

const membersOf = async (cluster: string) =>
  (await call<{ cluster: { nodes: string[] } }>('GET', `/v1/clusters/${cluster}`)).body.cluster.nodes;

beforeAll(async () => {
  expect((await call('POST', '/v1/profiles', { profile: { name: 'flows', spec: SPEC } })).status).toBe(201);
}, 60_000);

describe('cluster actions run to completion', () => {
  it('add_nodes, then del_nodes detaching the node again', async () => {
    const cluster = await newCluster('c-add');
    const node = await newNode('n-add');
    await succeeded(await call('POST', `/v1/clusters/${cluster}/actions`, { add_nodes: { nodes: [node] } }));
    expect(await membersOf(cluster)).toEqual([node]);
    await succeeded(await call('POST', `/v1/clusters/${cluster}/actions`, { del_nodes: { nodes: [node] } }));
    expect(await membersOf(cluster)).toEqual([]);
    const { body } = await call<{ node: { cluster_id: string; status: string } }>('GET', `/v1/nodes/${node}`);
    expect(body.node).toMatchObject({ cluster_id: '', status: 'ACTIVE' });
  }, 90_000);

  it('replace_nodes swaps a member for an orphan', async () => {
    const cluster = await newCluster('c-replace', { desired_capacity: 1 });
    const [old] = await membersOf(cluster);
    const fresh = await newNode('n-replace');
    await succeeded(
      await call('POST', `/v1/clusters/${cluster}/actions`, { replace_nodes: { nodes: { [old]: fresh } } }),
    );
    expect(await membersOf(cluster)).toEqual([fresh]);
  }, 90_000);

  it('resize, scale_out, scale_in, check, recover and a reboot operation', async () => {
    const cluster = await newCluster('c-size');
    const act = (body: unknown) => call('POST', `/v1/clusters/${cluster}/actions`, body);
    await succeeded(
      await act({
        resize: { adjustment_type: 'CHANGE_IN_CAPACITY', max_size: 20, min_step: 1, min_size: 1, number: 2 },
      }),
    );
    expect(await membersOf(cluster)).toHaveLength(2);
    await succeeded(await act({ scale_out: { count: '1' } }));
    expect(await membersOf(cluster)).toHaveLength(3);
    await succeeded(await act({ scale_in: { count: '1' } }));
    expect(await membersOf(cluster)).toHaveLength(2);
    await succeeded(await act({ check: {} }));
    await succeeded(await act({ recover: { operation: 'rebuild' } }));
    await succeeded(await call('POST', `/v1/clusters/${cluster}/ops`, { reboot: { params: { type: 'SOFT' } } }));
  }, 120_000);

  it("collects members' names and their servers' status", async () => {
    const cluster = await newCluster('c-collect', { config: { 'node.name.format': 'N$2I' } });
    const n1 = await newNode('N01', { cluster_id: cluster });
    const n2 = await newNode('N02', { cluster_id: cluster });
    const names = await call<{ cluster_attributes: unknown[] }>(
      'GET',
      `/v1/clusters/${cluster}/attrs/name`,
      undefined,
      '1.2',
    );
    expect(names.body.cluster_attributes).toEqual(
      expect.arrayContaining([
        { id: n1, value: 'N01' },
        { id: n2, value: 'N02' },
      ]),
    );
    const status = await call<{ cluster_attributes: unknown[] }>(
      'GET',
      `/v1/clusters/${cluster}/attrs/details.status`,
      undefined,
      '1.2',
    );
    expect(status.body.cluster_attributes).toEqual(
      expect.arrayContaining([
        { id: n1, value: 'ACTIVE' },
        { id: n2, value: 'ACTIVE' },
      ]),
    );
  }, 90_000);
});

describe('node requests run to completion', () => {
  it('check, recover, reboot, update and delete', async () => {
    const node = await newNode('n-life');
    await succeeded(await call('POST', `/v1/nodes/${node}/actions`, { check: {} }));
    await succeeded(await call('POST', `/v1/nodes/${node}/actions`, { recover: { operation: 'REBUILD' } }));
    await succeeded(await call('POST', `/v1/nodes/${node}/ops`, { reboot: { type: 'SOFT' } }));
    await succeeded(
      await call('PATCH', `/v1/nodes/${node}`, { node: { name: 'n-renamed', role: 'worker', tainted: true } }),
      { actionBody: false },
    );
    const { body } = await call<{ node: Record<string, unknown> }>('GET', `/v1/nodes/${node}`);
    expect(body.node).toMatchObject({ name: 'n-renamed', role: 'worker', tainted: true, status: 'ACTIVE' });
    const deleted = await call('DELETE', `/v1/nodes/${node}`);
    expect(deleted.body).toBeNull();
    await succeeded(deleted, { actionBody: false });
    expect((await call('GET', `/v1/nodes/${node}`)).status).toBe(404);
  }, 90_000);
});
