import { useGrove } from '../../src/testing/grove-harness';
import { clusterWorld, type NodeView } from './cluster-world';

const h = useGrove();

const { succeeded, world, clusterOf, membersOf, expectCloudMatches, act } = clusterWorld(h);

/** An ACTIVE orphan node of the project's profile. */
async function orphan(project: string, name: string): Promise<NodeView> {
  const made = await h.http<{ node: NodeView }>('POST', '/v1/nodes', {
    project,
    body: { node: { name, profile_id: 'web' } },
  });
  await succeeded(project, made);
  return (await h.http<{ node: NodeView }>('GET', `/v1/nodes/${made.body.node.id}`, { project })).body.node;
}

/** The metadata of one server in the simulator. */
const serverMetadata = async (id: string): Promise<Record<string, string>> =>
  (h.sim.admin.resources({ type: 'servers' }).servers ?? []).find((s) => s.id === id)?.metadata ?? {};

describe('deleting nodes from a cluster', () => {
  it('only detaches them by default: they live on as orphans with their servers', async () => {
    const { project, clusterId } = await world({ desired: 3 });
    const [a, b] = await membersOf(project, clusterId);
    const done = await succeeded(project, await act(project, clusterId, { del_nodes: { nodes: [a.id, b.id] } }));
    expect(done.status_reason).toBe('Completed deleting nodes.');
    expect((done.outputs as { nodes_removed: string[] }).nodes_removed.sort()).toEqual([a.id, b.id].sort());
    await expectCloudMatches(project, clusterId, 1);
    expect(await clusterOf(project, clusterId)).toMatchObject({ status: 'ACTIVE', desired_capacity: 1 });
    for (const n of [a, b]) {
      const { body } = await h.http<{ node: NodeView }>('GET', `/v1/nodes/${n.id}`, { project });
      expect(body.node).toMatchObject({ cluster_id: '', index: -1, status: 'ACTIVE', physical_id: n.physical_id });
      const meta = await serverMetadata(n.physical_id!);
      expect(meta.cluster_node_id).toBe(n.id);
      expect(meta.cluster_id).toBeUndefined();
    }
  });

  it('destroys them with destroy_after_deletion', async () => {
    const { project, clusterId } = await world({ desired: 2 });
    const [a] = await membersOf(project, clusterId);
    await succeeded(
      project,
      await h.http('POST', `/v1/clusters/${clusterId}/actions`, {
        project,
        version: '1.4',
        body: { del_nodes: { nodes: [a.id], destroy_after_deletion: true } },
      }),
    );
    await expectCloudMatches(project, clusterId, 1);
    expect((await h.http('GET', `/v1/nodes/${a.id}`, { project })).status).toBe(404);
    expect(await clusterOf(project, clusterId)).toMatchObject({ status: 'ACTIVE', desired_capacity: 1 });
  });
});

describe('adding and replacing nodes', () => {
  it('adds an orphan: it takes the next index and its server is tagged with the cluster', async () => {
    const { project, clusterId } = await world({ desired: 1 });
    const loose = await orphan(project, 'loose');
    const done = await succeeded(project, await act(project, clusterId, { add_nodes: { nodes: [loose.id] } }));
    expect(done).toMatchObject({ status_reason: 'Completed adding nodes.', outputs: { nodes_added: [loose.id] } });
    const nodes = await expectCloudMatches(project, clusterId, 2);
    expect(nodes.find((x) => x.id === loose.id)).toMatchObject({ index: 2, cluster_id: clusterId });
    expect(await serverMetadata(loose.physical_id!)).toMatchObject({ cluster_id: clusterId, cluster_node_index: '2' });
    expect(await clusterOf(project, clusterId)).toMatchObject({ status: 'ACTIVE', desired_capacity: 2 });
  });

  it('replaces a member with an orphan: the newcomer joins, the old node leaves and lives on', async () => {
    const { project, clusterId } = await world({ desired: 2 });
    const [old] = await membersOf(project, clusterId);
    const fresh = await orphan(project, 'fresh');
    const done = await succeeded(
      project,
      await h.http('POST', `/v1/clusters/${clusterId}/actions`, {
        project,
        version: '1.3',
        body: { replace_nodes: { nodes: { [old.id]: fresh.id } } },
      }),
    );
    expect(done.status_reason).toBe('Completed replacing nodes.');
    const nodes = await expectCloudMatches(project, clusterId, 2);
    expect(nodes.map((x) => x.id)).toContain(fresh.id);
    expect(nodes.map((x) => x.id)).not.toContain(old.id);
    const { body } = await h.http<{ node: NodeView }>('GET', `/v1/nodes/${old.id}`, { project });
    expect(body.node).toMatchObject({ cluster_id: '', index: -1, physical_id: old.physical_id });
    expect(await clusterOf(project, clusterId)).toMatchObject({ status: 'ACTIVE', desired_capacity: 2 });
  });
});

describe('nodes whose server is gone', () => {
  it('still join and leave a cluster', async () => {
    const { project, clusterId } = await world({ desired: 1 });
    const loose = await orphan(project, 'loose');
    h.sim.admin.vanish('servers', loose.physical_id!);
    const joined = await succeeded(project, await act(project, clusterId, { add_nodes: { nodes: [loose.id] } }));
    expect(joined.status_reason).toBe('Completed adding nodes.');
    expect((await membersOf(project, clusterId)).map((n) => n.id)).toContain(loose.id);
    const events = await h.http<{ events: { action: string; status: string; status_reason: string }[] }>(
      'GET',
      `/v1/events?oid=${loose.id}`,
      { project },
    );
    expect(events.body.events.find((e) => e.action === 'NODE_JOIN' && e.status === 'end')?.status_reason).toBe(
      'Node successfully joined cluster. Its cloud resource could not be found, so it was not re-tagged.',
    );

    await succeeded(project, await act(project, clusterId, { del_nodes: { nodes: [loose.id] } }));
    const { body } = await h.http<{ node: NodeView }>('GET', `/v1/nodes/${loose.id}`, { project });
    expect(body.node).toMatchObject({ cluster_id: '', index: -1 });
    expect(await clusterOf(project, clusterId)).toMatchObject({ desired_capacity: 1, status: 'ACTIVE' });
  });
});
