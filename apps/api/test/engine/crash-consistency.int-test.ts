import { randomUUID } from 'node:crypto';
import { sql } from '@grove/db';
import { portTag } from '@grove/profiles';
import { freshProject, make, simulatorConnector } from '@grove/testing';
import { actionOf, useGrove } from '../../src/testing/grove-harness';
import { until } from './cluster-world';

/**
 * A server the cloud made is never lost to Grove: not when the write of a create's result fails,
 * not when every write that would record it fails, not when the create runs again after its
 * engine died. Each test breaks the node row writes with a real trigger in Postgres (refusing the
 * write, or terminating the session that makes it), then checks that the simulator and the
 * database agree, and that deleting what Grove made leaves nothing of Grove's in the cloud.
 */
const h = useGrove();
// Some tests wait for an engine takeover (SERVICE_DEAD_AFTER_S) or for calls under injected latency.
jest.setTimeout(60_000);
// The api may not import the drivers; the tests reach the cloud through the harness's connector.
let connector: ReturnType<typeof simulatorConnector>;
beforeAll(() => {
  connector = simulatorConnector(h.sim);
});
afterAll(() => connector?.close());

/** A port of its own (a security group asks for one) with a floating IP made for it. */
const SPEC = {
  type: 'os.nova.server',
  version: '1.0',
  properties: {
    flavor: 'm1.tiny',
    image: 'cirros-0.6.2-x86_64-disk',
    networks: [{ network: 'private', security_groups: ['default'], floating_network: 'public' }],
  },
};

/** A server without ports of its own. */
const PLAIN = { ...SPEC, properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk' } };

interface NodeRow {
  id: string;
  status: string;
  physical_id: string | null;
  data: { internal_ports?: { id: string; floating?: { id: string; remove: boolean } }[] };
}

const nodeRows = async (project: string): Promise<NodeRow[]> =>
  (
    await sql<NodeRow>(
      h.grove.dataSource,
      'SELECT id, status, physical_id, data FROM node WHERE project = $1 ORDER BY index, id',
      [project],
    )
  ).rows;

/**
 * Breaks every update of the project's node rows that matches `when` (SQL over NEW): `refuse`
 * raises an error, `terminate` kills the session making the write ("terminating connection due to
 * administrator command", as when an operator or a failover ends Grove's sessions). Returns the mend.
 */
async function breakNodeWrites(
  project: string,
  when: string,
  how: 'refuse' | 'terminate',
): Promise<() => Promise<void>> {
  const ds = h.grove.dataSource;
  const fn = `break_${randomUUID().replace(/-/g, '')}`;
  const act =
    how === 'terminate'
      ? 'PERFORM pg_terminate_backend(pg_backend_pid());'
      : `RAISE EXCEPTION 'the test refuses this node write';`;
  await ds.query(
    `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF NEW.project = '${project}' AND (${when}) THEN ${act} END IF;
       RETURN NEW;
     END $$`,
  );
  await ds.query(`CREATE TRIGGER ${fn} BEFORE UPDATE ON node FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
  return async () => {
    await ds.query(`DROP TRIGGER ${fn} ON node`);
    await ds.query(`DROP FUNCTION ${fn}()`);
  };
}

/** What the cloud holds for a node: servers tagged with it, ports tagged for it, floating IPs made for it. */
function cloudOf(nodeId: string) {
  const listing = h.sim.admin.resources({ type: ['servers', 'ports', 'floatingips'] });
  return {
    servers: (listing.servers ?? []).filter((s) => s.metadata.cluster_node_id === nodeId),
    ports: (listing.ports ?? []).filter((p) => p.tags.includes(portTag(nodeId))),
    floatingIps: (listing.floatingips ?? []).filter((f) => f.description === portTag(nodeId)),
  };
}

/** The node has exactly one server, one port plugged into it and one floating IP on that port. */
function expectOneOfEach(nodeId: string, serverId: string | null) {
  const cloud = cloudOf(nodeId);
  expect(cloud.servers.map((s) => s.id)).toEqual([serverId]);
  expect(cloud.ports.map((p) => p.device_id)).toEqual([serverId]);
  expect(cloud.floatingIps.map((f) => f.port_id)).toEqual([cloud.ports[0].id]);
  return cloud;
}

function expectNothingOf(nodeIds: readonly string[]) {
  for (const id of nodeIds) expect(cloudOf(id)).toEqual({ servers: [], ports: [], floatingIps: [] });
}

async function addProfile(project: string, name: string, spec: object): Promise<void> {
  const p = await h.http('POST', '/v1/profiles', { project, body: { profile: { name, spec } } });
  expect(p.status).toBe(201);
}

async function withProfile(): Promise<string> {
  const project = freshProject();
  await addProfile(project, 'web', SPEC);
  return project;
}

/** Creates an orphan node and waits for its NODE_CREATE to end; returns the node id and the action. */
async function createNode(
  project: string,
  o: { name?: string; profile?: string } = {},
): Promise<{ nodeId: string; action: Record<string, unknown> }> {
  const res = await h.http<{ node: { id: string } }>('POST', '/v1/nodes', {
    project,
    body: { node: { name: o.name ?? 'n1', profile_id: o.profile ?? 'web' } },
  });
  expect(res.status).toBe(202);
  return { nodeId: res.body.node.id, action: await h.waitForAction(actionOf(res), { project }) };
}

/** A NODE_CREATE of the node left RUNNING by an engine that died: the scan takes it over and runs it again. */
async function rerunAfterCrash(project: string, nodeId: string): Promise<{ status: string; retries: number }> {
  const ds = h.grove.dataSource;
  const dead = await make.service(ds, 600);
  const a = await make.action(ds, {
    project,
    action: 'NODE_CREATE',
    target: nodeId,
    status: 'RUNNING',
    owner: dead.id,
    startTime: new Date(Date.now() - 1_000),
  });
  const ended = await h.waitForAction(a.id, { project, timeoutMs: 60_000 });
  const { rows } = await sql<{ retries: number }>(ds, 'SELECT retries FROM action WHERE id = $1', [a.id]);
  return { status: String(ended.status), retries: rows[0].retries };
}

/** A node stuck CREATING (its create's writes were lost) can only be deleted with `force` (1.8). */
async function deleteNode(project: string, nodeId: string, o: { force?: boolean } = {}): Promise<void> {
  const res = await h.http('DELETE', `/v1/nodes/${nodeId}`, {
    project,
    ...(o.force ? { body: { force: true }, version: '1.8' } : {}),
  });
  expect(res.status).toBe(202);
  expect(await h.waitForAction(actionOf(res), { project })).toMatchObject({ status: 'SUCCEEDED' });
}

describe('a server the cloud made is never lost', () => {
  it('records the server on its nodes before their result write fails, so deleting the cluster deletes it', async () => {
    const project = await withProfile();
    const mend = await breakNodeWrites(project, "NEW.status = 'ACTIVE'", 'terminate');
    const created = await h.http<{ cluster: { id: string } }>('POST', '/v1/clusters', {
      project,
      body: { cluster: { name: 'web', profile_id: 'web', desired_capacity: 3 } },
    });
    expect(created.status).toBe(202);
    const clusterId = created.body.cluster.id;
    await h.waitForAction(actionOf(created), { project, timeoutMs: 60_000 });
    await mend();

    const nodes = await nodeRows(project);
    expect(nodes).toHaveLength(3);
    for (const n of nodes) {
      // The result write was lost: the node never became ACTIVE, but it knows its server and port.
      expect(n.status).toBe('CREATING');
      expect(n.physical_id).toEqual(expect.any(String));
      const cloud = expectOneOfEach(n.id, n.physical_id);
      expect(n.data.internal_ports?.map((p) => p.id)).toEqual([cloud.ports[0].id]);
    }

    const deleted = await h.http('DELETE', `/v1/clusters/${clusterId}`, { project });
    expect(deleted.status).toBe(202);
    expect(await h.waitForAction(actionOf(deleted), { project, timeoutMs: 60_000 })).toMatchObject({
      status: 'SUCCEEDED',
    });
    expect(await nodeRows(project)).toEqual([]);
    expectNothingOf(nodes.map((n) => n.id));
  });

  it('finds by its tags the server, port and floating IP of a node that recorded none of them, and deletes them', async () => {
    const project = await withProfile();
    const mend = await breakNodeWrites(project, 'NEW.physical_id IS NOT NULL', 'refuse');
    const { nodeId } = await createNode(project);
    await mend();
    const [node] = await nodeRows(project);
    expect({ status: node.status, physical_id: node.physical_id }).toEqual({ status: 'CREATING', physical_id: null });
    const cloud = cloudOf(nodeId);
    expectOneOfEach(nodeId, cloud.servers[0]?.id ?? null);

    await deleteNode(project, nodeId, { force: true });
    expect(await nodeRows(project)).toEqual([]);
    expectNothingOf([nodeId]);
  });

  it('takes over the server, port and floating IP its crashed create recorded, and makes no second one', async () => {
    const project = await withProfile();
    const mend = await breakNodeWrites(project, "NEW.status = 'ACTIVE'", 'refuse');
    const { nodeId } = await createNode(project);
    await mend();
    const [before] = await nodeRows(project);
    const made = expectOneOfEach(nodeId, before.physical_id);

    expect(await rerunAfterCrash(project, nodeId)).toEqual({ status: 'SUCCEEDED', retries: 1 });
    const [after] = await nodeRows(project);
    expect(after).toMatchObject({ status: 'ACTIVE', physical_id: before.physical_id });
    expectOneOfEach(nodeId, before.physical_id);
    expect(after.data.internal_ports).toEqual([
      expect.objectContaining({ id: made.ports[0].id, floating: { id: made.floatingIps[0].id, remove: true } }),
    ]);

    await deleteNode(project, nodeId);
    expectNothingOf([nodeId]);
  });

  it('adopts by its tags the server of a crashed create that recorded nothing, with its port and floating IP', async () => {
    const project = await withProfile();
    const mend = await breakNodeWrites(project, 'NEW.physical_id IS NOT NULL', 'refuse');
    const { nodeId } = await createNode(project);
    await mend();
    const made = cloudOf(nodeId);
    expect(made.servers).toHaveLength(1);

    // Before, the adopted server had no ports: attaching its floating IP threw a TypeError and the
    // clean-up deleted the server it had just adopted.
    expect(await rerunAfterCrash(project, nodeId)).toEqual({ status: 'SUCCEEDED', retries: 1 });
    const [after] = await nodeRows(project);
    expect(after).toMatchObject({ status: 'ACTIVE', physical_id: made.servers[0].id });
    expectOneOfEach(nodeId, made.servers[0].id);
    expect(after.data.internal_ports).toEqual([
      expect.objectContaining({ id: made.ports[0].id, floating: { id: made.floatingIps[0].id, remove: true } }),
    ]);

    await deleteNode(project, nodeId);
    expectNothingOf([nodeId]);
  });

  it('removes a second server tagged with the node when its create runs again, keeping the one it recorded', async () => {
    const project = await withProfile();
    const mend = await breakNodeWrites(project, "NEW.status = 'ACTIVE'", 'refuse');
    const { nodeId } = await createNode(project);
    await mend();
    const [before] = await nodeRows(project);
    // A second create of the node that got as far as Nova (an engine that kept going after a takeover).
    await addProfile(project, 'vm', PLAIN);
    const second = await h.http<{ node: { id: string } }>('POST', '/v1/nodes', {
      project,
      body: { node: { name: 'n1-second', profile_id: 'vm' } },
    });
    await h.waitForAction(actionOf(second), { project });
    const twin = (await nodeRows(project)).find((n) => n.id === second.body.node.id)!;
    expect(twin.physical_id).toEqual(expect.any(String));
    await sql(h.grove.dataSource, 'DELETE FROM node WHERE id = $1', [twin.id]);
    await retagServer(twin.physical_id!, nodeId, 'n1');
    expect(cloudOf(nodeId).servers).toHaveLength(2);

    expect(await rerunAfterCrash(project, nodeId)).toEqual({ status: 'SUCCEEDED', retries: 1 });
    const [after] = await nodeRows(project);
    expect(after).toMatchObject({ status: 'ACTIVE', physical_id: before.physical_id });
    expect(cloudOf(nodeId).servers.map((s) => s.id)).toEqual([before.physical_id]);

    await deleteNode(project, nodeId);
    expectNothingOf([nodeId, twin.id]);
  });

  it('an engine whose create was taken over while Nova worked neither records its server nor deletes it: the new owner adopts it', async () => {
    const project = freshProject();
    await addProfile(project, 'vm', PLAIN);
    const ds = h.grove.dataSource;
    h.sim.admin.updateConfig({ services: { compute: { latency_ms: 1500 } } });
    let nodeId: string;
    let actionId: string;
    let made: string;
    try {
      const res = await h.http<{ node: { id: string } }>('POST', '/v1/nodes', {
        project,
        body: { node: { name: 'n1', profile_id: 'vm' } },
      });
      [nodeId, actionId] = [res.body.node.id, actionOf(res)];
      await until('the create to run', async () => {
        const { rows } = await sql<{ status: string }>(ds, 'SELECT status FROM action WHERE id = $1', [actionId]);
        return rows[0]?.status === 'RUNNING' || undefined;
      });
      // Another engine takes the action over while this one waits for Nova's answer.
      const other = await make.service(ds, 0);
      await sql(ds, 'UPDATE action SET owner = $2, epoch = epoch + 1 WHERE id = $1', [actionId, other.id]);
      made = await until('the server to be made', async () => cloudOf(nodeId).servers[0]?.id);
      // The old run learns it lost the action when it tries to record the server: it writes
      // nothing, and its clean-up may not touch the cloud for an action it no longer holds, so
      // the server it made is still there for the new owner.
    } finally {
      h.sim.admin.updateConfig({ services: { compute: null } });
    }
    // The other engine "dies"; the action runs again here and adopts the server by its tags.
    const ended = await h.waitForAction(actionId, { project, timeoutMs: 60_000 });
    expect(ended.status).toBe('SUCCEEDED');
    const [node] = await nodeRows(project);
    expect(node.status).toBe('ACTIVE');
    expect(node.physical_id).toBe(made);
    expect(cloudOf(nodeId).servers.map((x) => x.id)).toEqual([made]);
    await deleteNode(project, nodeId);
    expectNothingOf([nodeId]);
  });

  it('takes the server of a create whose answer from Nova was lost, with the port made for it', async () => {
    const project = await withProfile();
    h.sim.admin.failNext({ method: 'POST', path: '/compute/v2\\.1/servers$', status: 500, after_effect: true });
    const { nodeId, action } = await createNode(project);
    expect(action.status).toBe('SUCCEEDED');
    const [node] = await nodeRows(project);
    const servers = cloudOf(nodeId).servers.map((x) => x.id);
    expect({ status: node.status, servers }).toEqual({ status: 'ACTIVE', servers: [node.physical_id] });
    await deleteNode(project, nodeId);
    expectNothingOf([nodeId]);
  });

  it('records the new server of a recreate before its result write fails', async () => {
    const project = await withProfile();
    const { nodeId, action } = await createNode(project);
    expect(action.status).toBe('SUCCEEDED');
    const [before] = await nodeRows(project);
    const mend = await breakNodeWrites(project, "NEW.status = 'ACTIVE'", 'terminate');
    const res = await h.http('POST', `/v1/nodes/${nodeId}/actions`, {
      project,
      body: { recover: { operation: 'RECREATE' } },
    });
    expect(res.status).toBe(202);
    await h.waitForAction(actionOf(res), { project, timeoutMs: 60_000 });
    await mend();

    const [after] = await nodeRows(project);
    expect(after.status).toBe('RECOVERING');
    expect(after.physical_id).not.toBe(before.physical_id);
    const cloud = expectOneOfEach(nodeId, after.physical_id);
    expect(after.data.internal_ports?.map((p) => p.id)).toEqual([cloud.ports[0].id]);

    await deleteNode(project, nodeId, { force: true });
    expectNothingOf([nodeId]);
  });

  it('keeps the cloud and the database in agreement through failing and lost Nova and Neutron calls', async () => {
    // Lost answers: servers, ports and floating IPs made although Grove was told they failed.
    const project = await withProfile();
    h.sim.admin.updateConfig({ services: { compute: { failure_rate: 0.15 }, network: { failure_rate: 0.15 } } });
    h.sim.admin.failNext({
      method: 'POST',
      path: '/compute/v2\\.1/servers$',
      status: 500,
      after_effect: true,
      count: 3,
    });
    h.sim.admin.failNext({ method: 'POST', path: '/network/v2\\.0/ports$', status: 504, after_effect: true, count: 2 });
    h.sim.admin.failNext({
      method: 'POST',
      path: '/network/v2\\.0/floatingips$',
      status: 502,
      after_effect: true,
      count: 2,
    });
    let clusterId: string;
    try {
      const created = await h.http<{ cluster: { id: string } }>('POST', '/v1/clusters', {
        project,
        body: { cluster: { name: 'web', profile_id: 'web', desired_capacity: 10 } },
      });
      expect(created.status).toBe(202);
      clusterId = created.body.cluster.id;
      await h.waitForAction(actionOf(created), { project, timeoutMs: 120_000 });
    } finally {
      h.sim.admin.updateConfig({ services: { compute: null, network: null } });
      h.sim.admin.clearFailNext();
    }

    const nodes = await nodeRows(project);
    expect(nodes).toHaveLength(10);
    expect(nodes.filter((n) => n.status === 'ACTIVE').length).toBeGreaterThan(0);
    for (const n of nodes) {
      // Every server in the cloud is the one its node records, and what was made for it is plugged into it.
      if (n.status === 'ACTIVE') expectOneOfEach(n.id, n.physical_id);
      const cloud = cloudOf(n.id);
      expect({ node: n.id, servers: cloud.servers.map((x) => x.id) }).toEqual({
        node: n.id,
        servers: n.physical_id ? [n.physical_id] : [],
      });
      expect(cloud.ports.filter((p) => p.device_id !== n.physical_id)).toEqual([]);
      expect(cloud.floatingIps.filter((f) => !cloud.ports.some((p) => p.id === f.port_id))).toEqual([]);
    }

    const deleted = await h.http('DELETE', `/v1/clusters/${clusterId!}`, { project });
    expect(await h.waitForAction(actionOf(deleted), { project, timeoutMs: 60_000 })).toMatchObject({
      status: 'SUCCEEDED',
    });
    expectNothingOf(nodes.map((n) => n.id));
  });

  it('records a stack before it is complete, and finds by its tags a stack no write recorded', async () => {
    const project = freshProject();
    await addProfile(project, 'stack', STACK_SPEC);
    const recorded = await breakNodeWrites(project, "NEW.status = 'ACTIVE'", 'terminate');
    const first = await createNode(project, { name: 's1', profile: 'stack' });
    await recorded();
    const unrecorded = await breakNodeWrites(project, 'NEW.physical_id IS NOT NULL', 'refuse');
    const second = await createNode(project, { name: 's2', profile: 'stack' });
    await unrecorded();

    const rows = await nodeRows(project);
    const row = (id: string) => rows.find((n) => n.id === id)!;
    expect([row(first.nodeId).status, row(second.nodeId).status]).toEqual(['CREATING', 'CREATING']);
    expect(stacksOf(first.nodeId).map((st) => st.id)).toEqual([row(first.nodeId).physical_id]);
    expect(row(second.nodeId).physical_id).toBeNull();
    expect(stacksOf(second.nodeId)).toHaveLength(1);

    await deleteNode(project, first.nodeId, { force: true });
    await deleteNode(project, second.nodeId, { force: true });
    expect([stacksOf(first.nodeId), stacksOf(second.nodeId)]).toEqual([[], []]);

    // Heat made the stack but its answer was lost: the failed create deletes it.
    h.sim.admin.failNext({ method: 'POST', path: '/orchestration/v1/[^/]+/stacks$', status: 500, after_effect: true });
    const lost = await createNode(project, { name: 's3', profile: 'stack' });
    expect(lost.action.status).toBe('FAILED');
    expect(stacksOf(lost.nodeId)).toEqual([]);
  });

  it('records a container before it runs, and finds by its labels a container no write recorded', async () => {
    const project = freshProject();
    await addProfile(project, 'vm', PLAIN);
    const host = await createNode(project, { name: 'dhost', profile: 'vm' });
    expect(host.action.status).toBe('SUCCEEDED');
    await addProfile(project, 'box', {
      type: 'container.dockerinc.docker',
      version: '1.0',
      properties: { image: 'busybox', command: 'sleep 3600', host_node: 'dhost', port: h.sim.dockerPort },
    });
    const recorded = await breakNodeWrites(project, "NEW.status = 'ACTIVE'", 'refuse');
    const first = await createNode(project, { name: 'c1', profile: 'box' });
    await recorded();
    const unrecorded = await breakNodeWrites(project, 'NEW.physical_id IS NOT NULL', 'refuse');
    const second = await createNode(project, { name: 'c2', profile: 'box' });
    await unrecorded();

    const rows = await nodeRows(project);
    const row = (id: string) => rows.find((n) => n.id === id)!;
    expect(containersOf(first.nodeId).map((c) => c.id)).toEqual([row(first.nodeId).physical_id]);
    expect(row(first.nodeId).data).toMatchObject({ host_node: host.nodeId, host_ip: expect.any(String) });
    expect(row(second.nodeId).physical_id).toBeNull();
    expect(containersOf(second.nodeId)).toHaveLength(1);

    await deleteNode(project, first.nodeId, { force: true });
    await deleteNode(project, second.nodeId, { force: true });
    expect([containersOf(first.nodeId), containersOf(second.nodeId)]).toEqual([[], []]);

    // Docker made the container but its answer was lost: the failed create removes it.
    h.sim.admin.failNext({ method: 'POST', path: '/containers/create$', status: 500, after_effect: true });
    const lost = await createNode(project, { name: 'c3', profile: 'box' });
    expect(lost.action.status).toBe('FAILED');
    expect(containersOf(lost.nodeId)).toEqual([]);

    // A host whose daemon does not answer cannot hold what the search looks for: the node still goes.
    await addProfile(project, 'deaf', {
      type: 'container.dockerinc.docker',
      version: '1.0',
      properties: { image: 'busybox', host_node: 'dhost', port: 1 },
    });
    const unreachable = await createNode(project, { name: 'c4', profile: 'deaf' });
    expect(unreachable.action.status).toBe('FAILED');
    await deleteNode(project, unreachable.nodeId);
    await deleteNode(project, lost.nodeId);
    expect((await nodeRows(project)).map((n) => n.id)).toEqual([host.nodeId]);
  });
});

const STACK_SPEC = {
  type: 'os.heat.stack',
  version: '1.0',
  properties: {
    template: {
      heat_template_version: '2016-04-08',
      resources: { word: { type: 'OS::Heat::RandomString', properties: { length: 8 } } },
    },
  },
};

/** Stacks tagged with the node that Heat has not deleted. */
const stacksOf = (nodeId: string) =>
  (h.sim.admin.resources({ type: 'stacks' }).stacks ?? []).filter(
    (st) => st.tags.includes(`cluster_node_id=${nodeId}`) && st.status !== 'DELETE_COMPLETE',
  );

const containersOf = (nodeId: string) =>
  (h.sim.admin.resources({ type: 'containers' }).containers ?? []).filter((c) => c.labels.cluster_node_id === nodeId);

/** Gives a server another node's tags and name, as a second create of that node would have made it. */
async function retagServer(serverId: string, nodeId: string, name: string): Promise<void> {
  const cloud = connector.forRegion('RegionOne');
  await cloud.compute.setServerMetadata(serverId, { cluster_node_id: nodeId });
  await cloud.compute.renameServer(serverId, name);
}
