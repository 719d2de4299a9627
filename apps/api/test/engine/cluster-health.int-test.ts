import { actionOf, useGrove } from '../../src/testing/grove-harness';
import { clusterWorld, type NodeView } from './cluster-world';

const h = useGrove();

const { ended, succeeded, world, clusterOf, membersOf, serversOf, expectCloudMatches, act } = clusterWorld(h);

const nodeOf = async (project: string, id: string) =>
  (await h.http<{ node: NodeView & { data: Record<string, unknown> } }>('GET', `/v1/nodes/${id}`, { project })).body
    .node;

describe('checking a cluster', () => {
  it('marks a member whose server broke ERROR and the cluster WARNING', async () => {
    const { project, clusterId } = await world({ desired: 2 });
    const [broken, fine] = await membersOf(project, clusterId);
    h.sim.admin.setServerStatus(broken.physical_id!, 'ERROR');
    const done = await succeeded(project, await act(project, clusterId, { check: {} }));
    expect(done.status_reason).toBe('Cluster checking completed.');
    expect(await nodeOf(project, broken.id)).toMatchObject({
      status: 'ERROR',
      status_reason: expect.stringMatching(/^Check: Node is not ACTIVE\. Server status is ERROR/),
      physical_id: broken.physical_id,
    });
    expect(await nodeOf(project, fine.id)).toMatchObject({ status: 'ACTIVE', status_reason: 'Check: Node is ACTIVE.' });
    expect(await clusterOf(project, clusterId)).toMatchObject({
      status: 'WARNING',
      status_reason: 'CLUSTER_CHECK: number of active nodes is below desired_capacity (2).',
    });
    const events = await h.http<{ events: { action: string; status: string; oid: string }[] }>(
      'GET',
      `/v1/events?oid=${broken.id}`,
      { project },
    );
    expect(events.body.events.map((e) => `${e.action}:${e.status}`)).toContain('NODE_CHECK:ERROR');
  });
});

describe('checking nodes', () => {
  it('marks a node whose server vanished ERROR and forgets the server', async () => {
    const { project, clusterId } = await world({ desired: 1 });
    const [n] = await membersOf(project, clusterId);
    h.sim.admin.vanish('servers', n.physical_id!);
    const done = await succeeded(
      project,
      await h.http('POST', `/v1/nodes/${n.id}/actions`, { project, body: { check: {} } }),
    );
    expect(done.status_reason).toBe('Node check succeeded.');
    expect(await nodeOf(project, n.id)).toMatchObject({
      status: 'ERROR',
      status_reason: `Check: Server ${n.physical_id} could not be found.`,
      physical_id: null,
    });
  });

  it('keeps a WARNING node WARNING when its server is fine', async () => {
    const { project, clusterId } = await world({ desired: 1 });
    const [n] = await membersOf(project, clusterId);
    await h.grove.dataSource.query(`UPDATE node SET status = 'WARNING', status_reason = 'slow disk' WHERE id = $1`, [
      n.id,
    ]);
    await succeeded(project, await h.http('POST', `/v1/nodes/${n.id}/actions`, { project, body: { check: {} } }));
    await succeeded(project, await h.http('POST', `/v1/nodes/${n.id}/actions`, { project, body: { check: {} } }));
    expect(await nodeOf(project, n.id)).toMatchObject({
      status: 'WARNING',
      status_reason: 'Check: Physical object is ACTIVE but the node status was WARNING. slow disk',
    });
  });

  it('purges the finished checks of the cluster and its nodes with delete_check_action', async () => {
    const { project, clusterId } = await world({ desired: 1 });
    const first = await succeeded(project, await act(project, clusterId, { check: {} }));
    const second = await succeeded(project, await act(project, clusterId, { check: { delete_check_action: true } }));
    const [{ count }] = (await h.grove.dataSource.query(
      `SELECT count(*)::int AS count FROM action WHERE cluster_id = $1 AND action IN ('CLUSTER_CHECK', 'NODE_CHECK')`,
      [clusterId],
    )) as { count: number }[];
    expect(count).toBe(2);
    expect((await h.http('GET', `/v1/actions/${String(first.id)}`, { project })).status).toBe(404);
    expect((await h.http('GET', `/v1/actions/${String(second.id)}`, { project })).status).toBe(200);
  });
});

describe('recovering a node', () => {
  it('reboots it in place when asked to, keeping its server', async () => {
    const { project, clusterId } = await world({ desired: 1 });
    const [n] = await membersOf(project, clusterId);
    h.sim.admin.setServerStatus(n.physical_id!, 'ERROR');
    await h.grove.dataSource.query(`UPDATE node SET status = 'ERROR' WHERE id = $1`, [n.id]);
    const done = await succeeded(
      project,
      await h.http('POST', `/v1/nodes/${n.id}/actions`, {
        project,
        body: { recover: { operation: 'REBOOT', operation_params: { type: 'HARD' } } },
      }),
    );
    expect(done.status_reason).toBe('Node recovered successfully.');
    expect(await nodeOf(project, n.id)).toMatchObject({ status: 'ACTIVE', physical_id: n.physical_id });
    expect((await serversOf(clusterId)).map((s) => s.status)).toEqual(['ACTIVE']);
  });

  it('only marks it ACTIVE when a check finds its server healthy', async () => {
    const { project, clusterId } = await world({ desired: 1 });
    const [n] = await membersOf(project, clusterId);
    await h.grove.dataSource.query(`UPDATE node SET status = 'ERROR' WHERE id = $1`, [n.id]);
    await succeeded(
      project,
      await h.http('POST', `/v1/nodes/${n.id}/actions`, {
        project,
        version: '1.6',
        body: { recover: { check: true } },
      }),
    );
    expect(await nodeOf(project, n.id)).toMatchObject({
      status: 'ACTIVE',
      status_reason: 'Recover: Node is ACTIVE.',
      physical_id: n.physical_id,
    });
  });
});

describe('recovering a cluster', () => {
  it('recreates a broken member: a new server in place of the old, which is deleted', async () => {
    const { project, clusterId } = await world({ desired: 2 });
    const [broken] = await membersOf(project, clusterId);
    h.sim.admin.setServerStatus(broken.physical_id!, 'ERROR');
    const done = await succeeded(project, await act(project, clusterId, { recover: { check: true } }));
    expect(done.status_reason).toBe('Cluster recovery succeeded.');
    const healed = await nodeOf(project, broken.id);
    expect(healed).toMatchObject({
      status: 'ACTIVE',
      status_reason: 'Recovery succeeded',
      data: expect.objectContaining({ recovery: 'RECREATE' }),
    });
    expect(healed.physical_id).not.toBe(broken.physical_id);
    await expectCloudMatches(project, clusterId, 2);
    expect((await serversOf(clusterId)).map((s) => s.id)).not.toContain(broken.physical_id);
    expect(await clusterOf(project, clusterId)).toMatchObject({ status: 'ACTIVE' });
  });

  it('creates members up to desired_capacity with check_capacity', async () => {
    const { project, clusterId } = await world({ desired: 1 });
    await h.grove.dataSource.query('UPDATE cluster SET desired_capacity = 3 WHERE id = $1', [clusterId]);
    await succeeded(project, await act(project, clusterId, { recover: { check_capacity: true } }));
    await expectCloudMatches(project, clusterId, 3);
    expect(await clusterOf(project, clusterId)).toMatchObject({ status: 'ACTIVE', desired_capacity: 3 });
  });
});

describe('cancelling a scale-out while its servers build', () => {
  afterEach(() => h.sim.admin.updateConfig({ build_time_ms: 0 }));

  it('ends CANCELLED, the cluster evaluated, and no server left without a node', async () => {
    const { project, clusterId } = await world({ desired: 1 });
    h.sim.admin.updateConfig({ build_time_ms: 30_000 });
    const started = await act(project, clusterId, { scale_out: { count: 2 } });
    const id = actionOf(started);
    // Wait until both servers are being built.
    for (let i = 0; ; i++) {
      const nodes = await membersOf(project, clusterId);
      if (nodes.filter((n) => n.status === 'CREATING').length === 2) break;
      if (i > 400) throw new Error('the new nodes never started creating');
      await new Promise((r) => setTimeout(r, 50));
    }
    const cancel = await h.http('PATCH', `/v1/actions/${id}`, {
      project,
      version: '1.12',
      body: { action: { status: 'CANCELLED' } },
    });
    expect(cancel.status).toBe(202);
    const action = await h.waitForAction(id, { project, timeoutMs: 20_000 });
    expect(action).toMatchObject({
      status: 'CANCELLED',
      status_reason: `CLUSTER_SCALE_OUT [${id.slice(0, 8)}] cancelled`,
    });
    const cluster = await clusterOf(project, clusterId);
    expect(cluster.status).not.toBe('RESIZING');
    expect(cluster.status_reason).toMatch(/^CLUSTER_SCALE_OUT: number of active nodes/);
    const nodes = await membersOf(project, clusterId);
    const known = new Set(nodes.map((n) => n.physical_id));
    for (const s of await serversOf(clusterId)) expect(known).toContain(s.id);
    expect(nodes.filter((n) => n.status === 'ACTIVE')).toHaveLength(1);
    const stopped = nodes.filter((n) => n.status !== 'ACTIVE');
    expect(stopped.map((n) => n.status_reason)).toEqual(['The action was cancelled.', 'The action was cancelled.']);
    const children = (await h.grove.dataSource.query(
      `SELECT status FROM action WHERE action = 'NODE_CREATE' AND target = ANY($1::uuid[])`,
      [stopped.map((n) => n.id)],
    )) as { status: string }[];
    expect(children.map((c) => c.status)).toEqual(['CANCELLED', 'CANCELLED']);
    // The cluster was held until the children had stopped: the parent ended after them.
    const [times] = (await h.grove.dataSource.query(
      `SELECT (SELECT end_time FROM action WHERE id = $1) AS parent,
              (SELECT max(end_time) FROM action WHERE action = 'NODE_CREATE' AND target = ANY($2::uuid[])) AS children`,
      [id, stopped.map((n) => n.id)],
    )) as { parent: Date; children: Date }[];
    expect(times.parent.getTime()).toBeGreaterThanOrEqual(times.children.getTime());
  });

  it('stops a running node action whose cancel was recorded but never broadcast (lost in a reconnect)', async () => {
    const project = (await world({ desired: 0 })).project;
    h.sim.admin.updateConfig({ build_time_ms: 30_000 });
    const made = await h.http<{ node: { id: string } }>('POST', '/v1/nodes', {
      project,
      body: { node: { name: 'slow', profile_id: 'web' } },
    });
    const id = actionOf(made);
    for (let i = 0; (await nodeStatus(project, made.body.node.id)) !== 'CREATING'; i++) {
      if (i > 400) throw new Error('the node never started creating');
      await new Promise((r) => setTimeout(r, 50));
    }
    // What PATCH /v1/actions writes, without the broadcast that would stop it at once.
    await h.grove.dataSource.query(`UPDATE action SET control = 'CANCEL' WHERE id = $1`, [id]);
    const action = await h.waitForAction(id, { project, timeoutMs: 15_000 });
    expect(action.status).toBe('CANCELLED');
  });
});

async function nodeStatus(project: string, nodeId: string): Promise<string> {
  return (await h.http<{ node: { status: string } }>('GET', `/v1/nodes/${nodeId}`, { project })).body.node.status;
}

describe('a scale-out that outlives the cluster timeout', () => {
  afterEach(() => h.sim.admin.updateConfig({ build_time_ms: 0 }));

  it('fails with the timeout as its reason, its half-built servers cleaned up', async () => {
    const { project, clusterId } = await world({ desired: 1 });
    await succeeded(
      project,
      await h.http('PATCH', `/v1/clusters/${clusterId}`, { project, body: { cluster: { timeout: 2 } } }),
    );
    h.sim.admin.updateConfig({ build_time_ms: 30_000 });
    const started = await act(project, clusterId, { scale_out: { count: 1 } });
    const id = actionOf(started);
    const action = await h.waitForAction(id, { project, timeoutMs: 20_000 });
    expect(action).toMatchObject({ status: 'FAILED', status_reason: `CLUSTER_SCALE_OUT [${id.slice(0, 8)}] timeout` });
    const cluster = await clusterOf(project, clusterId);
    expect(cluster.status).toBe('WARNING');
    for (;;) {
      const nodes = await membersOf(project, clusterId);
      if (nodes.every((n) => n.status !== 'CREATING')) {
        const known = new Set(nodes.map((n) => n.physical_id));
        for (const sv of await serversOf(clusterId)) expect(known).toContain(sv.id);
        expect(nodes.find((n) => n.status === 'ERROR')?.status_reason).toMatch(/^NODE_CREATE \[[0-9a-f]{8}\] timeout$/);
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  });
});

describe('replacing a node whose replacement cannot join', () => {
  it('keeps the old member: its leave is not run once the join failed', async () => {
    const { project, clusterId } = await world({ desired: 1 });
    const [old] = await membersOf(project, clusterId);
    const made = await h.http<{ node: NodeView }>('POST', '/v1/nodes', {
      project,
      body: { node: { name: 'fresh', profile_id: 'web' } },
    });
    await succeeded(project, made);
    const fresh = await nodeOf(project, made.body.node.id);
    h.sim.admin.failNext({ method: 'POST', path: `/servers/${fresh.physical_id}/metadata`, status: 500 });
    const done = await ended(
      project,
      await h.http('POST', `/v1/clusters/${clusterId}/actions`, {
        project,
        version: '1.3',
        body: { replace_nodes: { nodes: { [old.id]: fresh.id } } },
      }),
    );
    expect(done.status).toBe('FAILED');
    expect(done.status_reason).toMatch(
      /^Failed in replacing nodes: node_join_[0-9a-f]{8}: Node failed in joining cluster: .*; node_leave_[0-9a-f]{8}: Not run: node_join_/,
    );
    expect((await membersOf(project, clusterId)).map((n) => n.id)).toEqual([old.id]);
    expect(await nodeOf(project, fresh.id)).toMatchObject({ cluster_id: '', index: -1 });
  });
});
