import { randomUUID } from 'node:crypto';
import { make } from '@grove/testing';
import { useGrove } from '../../src/testing/grove-harness';
import { clusterWorld, type NodeView } from './cluster-world';

const h = useGrove();

const { ended, succeeded, world, clusterOf, membersOf, serversOf, expectCloudMatches, act } = clusterWorld(h);

describe('scaling a cluster', () => {
  it('scales out and in, the cloud matching the nodes, the youngest nodes going first', async () => {
    const { project, clusterId } = await world({ desired: 2, max: 5 });
    const first = await expectCloudMatches(project, clusterId, 2);

    const out = await succeeded(project, await act(project, clusterId, { scale_out: { count: 2 } }));
    expect(out.status_reason).toBe('Cluster scaling succeeded.');
    expect((out.outputs as { nodes_added: string[] }).nodes_added).toHaveLength(2);
    const grown = await expectCloudMatches(project, clusterId, 4);
    expect(grown.map((x) => x.index).sort()).toEqual([1, 2, 3, 4]);
    expect(await clusterOf(project, clusterId)).toMatchObject({
      status: 'ACTIVE',
      desired_capacity: 4,
      status_reason: 'CLUSTER_SCALE_OUT: number of active nodes is equal or above desired_capacity (4).',
    });

    const inward = await succeeded(project, await act(project, clusterId, { scale_in: { count: 2 } }));
    const removed = (inward.outputs as { nodes_removed: string[] }).nodes_removed;
    expect(removed.sort()).toEqual((out.outputs as { nodes_added: string[] }).nodes_added.sort());
    const left = await expectCloudMatches(project, clusterId, 2);
    expect(left.map((x) => x.id).sort()).toEqual(first.map((x) => x.id).sort());
    expect(await clusterOf(project, clusterId)).toMatchObject({ status: 'ACTIVE', desired_capacity: 2 });
  });

  it('scales by one without a count, and refuses to break max_size or min_size, leaving the cluster as it was', async () => {
    const { project, clusterId } = await world({ desired: 1, min: 1, max: 2 });
    await succeeded(project, await act(project, clusterId, { scale_out: {} }));
    await expectCloudMatches(project, clusterId, 2);

    const over = await ended(project, await act(project, clusterId, { scale_out: { count: 1 } }));
    expect(over).toMatchObject({
      status: 'FAILED',
      status_reason: "The target capacity (3) is greater than the cluster's max_size (2).",
    });
    const under = await ended(project, await act(project, clusterId, { scale_in: { count: 2 } }));
    expect(under).toMatchObject({
      status: 'FAILED',
      status_reason: "The target capacity (0) is less than the cluster's min_size (1).",
    });
    expect(await clusterOf(project, clusterId)).toMatchObject({ status: 'ACTIVE', desired_capacity: 2 });
    await expectCloudMatches(project, clusterId, 2);
  });

  it('takes broken nodes first when scaling in, and shows RESIZING in the cluster’s events', async () => {
    const { project, clusterId } = await world({ desired: 3 });
    const [a, b] = await membersOf(project, clusterId);
    await h.grove.dataSource.query(`UPDATE node SET status = 'ERROR' WHERE id = $1`, [a.id]);
    await h.grove.dataSource.query(`UPDATE node SET tainted = true WHERE id = $1`, [b.id]);
    const done = await succeeded(project, await act(project, clusterId, { scale_in: { count: 2 } }));
    expect((done.outputs as { nodes_removed: string[] }).nodes_removed.sort()).toEqual([a.id, b.id].sort());
    await expectCloudMatches(project, clusterId, 1);
    const events = await h.http<{ events: { action: string; status: string }[] }>(
      'GET',
      `/v1/events?oid=${clusterId}`,
      { project },
    );
    expect(events.body.events.map((e) => `${e.action}:${e.status}`)).toEqual(
      expect.arrayContaining([
        'CLUSTER_SCALE_IN:start',
        'CLUSTER_SCALE_IN:RESIZING',
        'CLUSTER_SCALE_IN:ACTIVE',
        'CLUSTER_SCALE_IN:end',
      ]),
    );
  });

  it('removes the victims a deletion policy chose, as it says (here: only detached)', async () => {
    const { project, clusterId } = await world({ desired: 3 });
    const [, chosen] = await membersOf(project, clusterId);
    const { id } = await make.action(h.grove.dataSource, {
      action: 'CLUSTER_SCALE_IN',
      target: clusterId,
      clusterId,
      project,
      data: { deletion: { candidates: [chosen.id, randomUUID()], count: 2, destroy_after_deletion: false } },
    });
    await h.grove.bus.emit('engine', 'work', 'action.start', { actionId: id });
    const done = await h.waitForAction(id, { project });
    expect(done).toMatchObject({ status: 'SUCCEEDED', outputs: { nodes_removed: [chosen.id] } });
    await expectCloudMatches(project, clusterId, 2);
    expect(await clusterOf(project, clusterId)).toMatchObject({ status: 'ACTIVE', desired_capacity: 2 });
    const { body } = await h.http<{ node: NodeView }>('GET', `/v1/nodes/${chosen.id}`, { project });
    expect(body.node).toMatchObject({ cluster_id: '', status: 'ACTIVE', physical_id: chosen.physical_id });
    expect(h.sim.admin.resources({ type: 'servers' }).servers!.map((s) => s.id)).toContain(chosen.physical_id);
  });

  it('trims a scale-in to the nodes there are', async () => {
    const { project, clusterId } = await world({ desired: 2 });
    const a = await succeeded(project, await act(project, clusterId, { scale_in: { count: 5 } }));
    expect((a.outputs as { nodes_removed: string[] }).nodes_removed).toHaveLength(2);
    expect(await clusterOf(project, clusterId)).toMatchObject({ desired_capacity: 0, nodes: [] });
    expect(await serversOf(clusterId)).toEqual([]);
  });
});

describe('resizing a cluster', () => {
  it('resizes to an exact capacity with new bounds, then by a percentage', async () => {
    const { project, clusterId } = await world({ desired: 2, max: 4 });
    const exact = await succeeded(
      project,
      await act(project, clusterId, {
        resize: { adjustment_type: 'EXACT_CAPACITY', number: 5, max_size: 6, min_size: 1 },
      }),
    );
    expect(exact.status_reason).toBe('Cluster resize succeeded.');
    await expectCloudMatches(project, clusterId, 5);
    expect(await clusterOf(project, clusterId)).toMatchObject({
      status: 'ACTIVE',
      desired_capacity: 5,
      min_size: 1,
      max_size: 6,
    });

    // -50% of 5 is -2.5, rounded toward zero: 3 nodes stay.
    await succeeded(
      project,
      await act(project, clusterId, { resize: { adjustment_type: 'CHANGE_IN_PERCENTAGE', number: -50 } }),
    );
    await expectCloudMatches(project, clusterId, 3);
    expect(await clusterOf(project, clusterId)).toMatchObject({ status: 'ACTIVE', desired_capacity: 3 });
  });

  it('clamps a non-strict resize into the bounds', async () => {
    const { project, clusterId } = await world({ desired: 1, max: 3 });
    await succeeded(
      project,
      await act(project, clusterId, { resize: { adjustment_type: 'CHANGE_IN_CAPACITY', number: 5, strict: false } }),
    );
    await expectCloudMatches(project, clusterId, 3);
    expect(await clusterOf(project, clusterId)).toMatchObject({ desired_capacity: 3, max_size: 3 });
  });

  it('changes only the bounds when the size stays', async () => {
    const { project, clusterId } = await world({ desired: 2 });
    await succeeded(project, await act(project, clusterId, { resize: { min_size: 1, max_size: 4 } }));
    expect(await clusterOf(project, clusterId)).toMatchObject({
      status: 'ACTIVE',
      desired_capacity: 2,
      min_size: 1,
      max_size: 4,
    });
    await expectCloudMatches(project, clusterId, 2);
  });
});

describe('nodes a user creates in or deletes from a cluster', () => {
  it('grows desired_capacity by a node created into the cluster and shrinks it by a member deleted', async () => {
    const { project, clusterId } = await world({ desired: 1, max: 3 });
    const made = await h.http<{ node: { id: string } }>('POST', '/v1/nodes', {
      project,
      body: { node: { name: 'extra', profile_id: 'web', cluster_id: clusterId } },
    });
    await succeeded(project, made);
    await expectCloudMatches(project, clusterId, 2);
    expect(await clusterOf(project, clusterId)).toMatchObject({ status: 'ACTIVE', desired_capacity: 2 });

    await succeeded(project, await h.http('DELETE', `/v1/nodes/${made.body.node.id}`, { project }));
    await expectCloudMatches(project, clusterId, 1);
    expect(await clusterOf(project, clusterId)).toMatchObject({ status: 'ACTIVE', desired_capacity: 1 });
  });

  it('refuses to delete a member below min_size, and leaves a node created past max_size an orphan in ERROR', async () => {
    const { project, clusterId } = await world({ desired: 1, min: 1, max: 1 });
    const [only] = await membersOf(project, clusterId);
    const refused = await ended(project, await h.http('DELETE', `/v1/nodes/${only.id}`, { project }));
    expect(refused).toMatchObject({
      status: 'FAILED',
      status_reason: "The target capacity (0) is less than the cluster's min_size (1).",
    });

    const made = await h.http<{ node: { id: string } }>('POST', '/v1/nodes', {
      project,
      body: { node: { name: 'extra', profile_id: 'web', cluster_id: clusterId } },
    });
    const failed = await ended(project, made);
    expect(failed).toMatchObject({
      status: 'FAILED',
      status_reason: "The target capacity (2) is greater than the cluster's max_size (1).",
    });
    const { body } = await h.http<{ node: NodeView }>('GET', `/v1/nodes/${made.body.node.id}`, { project });
    expect(body.node).toMatchObject({ status: 'ERROR', cluster_id: '', index: -1, physical_id: null });
    await expectCloudMatches(project, clusterId, 1);
  });
});
