import { freshProject, simulatorConnector } from '@grove/testing';
import { actionOf, useGrove, type HttpAnswer } from '../testing/grove-harness';
import { expectFault } from '../testing/senlin-answers';

/**
 * POST /v1/nodes/adopt and /v1/nodes/adopt-preview against the simulated cloud: resources made
 * behind Grove's back (as a user would have made them) become nodes.
 */
const h = useGrove();
// The api may not import the drivers; the test reaches the cloud through the harness's connector.
let connector: ReturnType<typeof simulatorConnector>;
let cloud: ReturnType<typeof connector.forRegion>;

beforeAll(() => {
  connector = simulatorConnector(h.sim);
  cloud = connector.forRegion('RegionOne');
});
afterAll(() => connector?.close());

type Json = Record<string, unknown>;
type NodeView = Json & { id: string; profile_id: string; physical_id: string };

const preview = (project: string, body: unknown, version = '1.7') =>
  h.http<{ node_profile: { node_preview: { type: string; version: string; properties: Json } } }>(
    'POST',
    '/v1/nodes/adopt-preview',
    { project, body, version },
  );
const adopt = (project: string, body: unknown, version = '1.7') =>
  h.http<{ node: NodeView }>('POST', '/v1/nodes/adopt', { project, body, version });

async function succeeded(project: string, a: HttpAnswer<unknown>): Promise<void> {
  expect(a.status).toBe(202);
  const action = await h.waitForAction(actionOf(a), { project });
  expect({ status: action.status, reason: action.status_reason }).toMatchObject({ status: 'SUCCEEDED' });
}

/** A server made directly in the cloud, ACTIVE. */
async function legacyServer(name: string, metadata: Record<string, string> = {}): Promise<string> {
  const [flavor, image, network] = await Promise.all([
    cloud.compute.findFlavor('m1.tiny'),
    cloud.image.findImage('cirros-0.6.2-x86_64-disk'),
    cloud.network.findNetwork('private'),
  ]);
  const { id } = await cloud.compute.createServer({
    name,
    flavorRef: flavor!.id,
    imageRef: image!.id,
    networks: [{ uuid: network!.id }],
    metadata,
  });
  await cloud.compute.waitForServer(id, ['ACTIVE'], cloud.wait(10_000));
  return id;
}

const serverIds = () => h.sim.admin.resources({ type: 'servers' }).servers!.map((s) => s.id);
const serversOf = (node: string) =>
  h.sim.admin.resources({ type: 'servers', metadata: { cluster_node_id: node } }).servers!;

describe('POST /v1/nodes/adopt-preview and /v1/nodes/adopt', () => {
  it('exist from microversion 1.7 only', async () => {
    const body = { identity: 'x', type: 'os.nova.server-1.0' };
    for (const a of [await preview(freshProject(), body, '1.6'), await adopt(freshProject(), body, '1.6')]) {
      expectFault(a, 400, 'MethodVersionNotFound', "API version '1.6' is not supported on this method.");
    }
    expectFault(
      await h.http('POST', '/v1/nodes/adopt', { body }),
      400,
      'MethodVersionNotFound',
      "API version '1.0' is not supported on this method.",
    );
  });

  it("checks the body as Senlin's request objects do", async () => {
    const p = freshProject();
    expectFault(
      await preview(p, { type: 'os.nova.server-1.0' }),
      400,
      'HTTPBadRequest',
      "'identity' is a required property",
    );
    expectFault(await adopt(p, { identity: 'x' }), 400, 'HTTPBadRequest', "'type' is a required property");
    expectFault(
      await preview(p, { identity: 'x', type: 'os.nova.server-1.0', name: 'n' }),
      400,
      'HTTPBadRequest',
      "Additional properties are not allowed ('name' was unexpected)",
    );
    expectFault(
      await adopt(p, { identity: 'x', type: 'os.nova.server-1.0', overrides: 'flavor' }),
      400,
      'HTTPBadRequest',
      "'flavor' is not of type 'object'",
    );
    expectFault(
      await adopt(p, { identity: 'x', type: 'os.nova.server-1.0', name: 'bad name' }),
      400,
      'HTTPBadRequest',
      /contains illegal characters/,
    );
  });

  it('answers an unknown profile type with a 400 in Senlin’s words', async () => {
    for (const a of [
      await preview(freshProject(), { identity: 'x', type: 'os.nova.server-9.9' }),
      await adopt(freshProject(), { identity: 'x', type: 'os.nova.server-9.9' }),
    ]) {
      expectFault(a, 400, 'BadRequest', "The profile_type 'os.nova.server-9.9' could not be found.");
    }
  });

  it('answers a resource the cloud does not have with a 400 carrying the cloud’s words, and records nothing', async () => {
    const p = freshProject();
    const missing = crypto.randomUUID();
    for (const a of [
      await preview(p, { identity: missing, type: 'os.nova.server-1.0' }),
      await adopt(p, { identity: missing, type: 'os.nova.server-1.0', name: 'ghost' }),
    ]) {
      expectFault(a, 400, 'ProfileOperationFailed', `404: Instance ${missing} could not be found.`);
    }
    expectFault(
      await preview(p, { identity: 'no-such-stack', type: 'os.heat.stack-1.0' }),
      400,
      'ProfileOperationFailed',
      '404: The Stack (no-such-stack) could not be found.',
    );
    const [nodes, profiles] = await Promise.all([
      h.http<{ nodes: unknown[] }>('GET', '/v1/nodes', { project: p }),
      h.http<{ profiles: unknown[] }>('GET', '/v1/profiles', { project: p }),
    ]);
    expect([nodes.body.nodes, profiles.body.profiles]).toEqual([[], []]);
  });
});

describe('adopting a Nova server', () => {
  it('previews the spec Senlin builds from the server, overrides on top', async () => {
    const id = await legacyServer('legacy-web', { team: 'ops', cluster_id: 'stale', cluster_node_index: '3' });
    const [flavor, image] = [
      (await cloud.compute.findFlavor('m1.tiny'))!,
      (await cloud.image.findImage('cirros-0.6.2-x86_64-disk'))!,
    ];
    const a = await preview(freshProject(), {
      identity: id,
      type: 'os.nova.server-1.0',
      overrides: { metadata: { team: 'dev' }, config_drive: null },
      snapshot: null,
    });
    expect(a.status).toBe(200);
    expect(a.body).toEqual({
      node_profile: {
        node_preview: {
          type: 'os.nova.server',
          version: '1.0',
          properties: {
            auto_disk_config: expect.any(Boolean),
            availability_zone: 'nova',
            block_device_mapping_v2: [],
            flavor: flavor.id,
            image: image.id,
            metadata: { team: 'dev' },
            name: 'legacy-web',
            networks: [{ network: 'private' }],
            security_groups: expect.any(Array),
          },
        },
      },
    });
    // Without overrides the server's own metadata, minus Senlin's membership keys.
    const plain = await preview(freshProject(), { identity: id, type: 'os.nova.server-1.0' });
    expect(plain.body.node_profile.node_preview.properties).toMatchObject({
      metadata: { team: 'ops' },
      config_drive: false,
    });
    // A password given as an override is shown masked, as a profile's spec is.
    const secret = await preview(freshProject(), {
      identity: id,
      type: 'os.nova.server-1.0',
      overrides: { admin_pass: 'hunter2' },
    });
    expect(secret.body.node_profile.node_preview.properties.admin_pass).toBe('***');
  });

  it('refuses overrides the spec cannot take, as profile create would', async () => {
    const id = await legacyServer('legacy-bad');
    const p = freshProject();
    const body = (overrides: Json) => ({ identity: id, type: 'os.nova.server-1.0', overrides });
    expectFault(await preview(p, body({ bogus: 1 })), 400, 'InvalidSpec', "Unrecognizable spec item 'bogus'");
    expectFault(
      await adopt(p, { ...body({ flavor: 'm1.huge-nope' }), name: 'bad' }),
      400,
      'InvalidSpec',
      "Failed in creating profile prof-bad: The specified flavor 'm1.huge-nope' could not be found.",
    );
    expectFault(
      await adopt(p, { ...body({ config_drive: 'maybe' }), name: 'bad' }),
      400,
      'InvalidSpec',
      /^Failed in creating profile prof-bad: The value 'maybe' is not a valid Boolean/,
    );
    expect((await h.http<{ nodes: unknown[] }>('GET', '/v1/nodes', { project: p })).body.nodes).toEqual([]);
  });

  it('makes an ACTIVE orphan node and its profile, tags the server, joins a cluster and goes with it', async () => {
    const project = freshProject();
    const id = await legacyServer('legacy-app', { team: 'ops', cluster_id: 'stale' });
    const shown = (await preview(project, { identity: id, type: 'os.nova.server-1.0' })).body.node_profile.node_preview;

    const a = await adopt(project, {
      identity: id,
      type: 'os.nova.server-1.0',
      name: 'app-1',
      role: 'web',
      metadata: { owner: 'me' },
      snapshot: false,
    });
    expect(a.status).toBe(200);
    const node = a.body.node;
    expect(node).toMatchObject({
      name: 'app-1',
      physical_id: id,
      cluster_id: '',
      index: -1,
      role: 'web',
      metadata: { owner: 'me' },
      status: 'ACTIVE',
      status_reason: 'Node adopted successfully',
      profile_name: 'prof-app-1',
      project,
      data: {},
      dependents: {},
    });
    expect(node.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const profile = await h.http<{ profile: Json }>('GET', `/v1/profiles/${node.profile_id}`, { project });
    expect(profile.body.profile).toMatchObject({ name: 'prof-app-1', type: 'os.nova.server-1.0', spec: shown });
    const [server] = serversOf(node.id);
    expect(server.id).toBe(id);
    expect(server.metadata).toEqual({ team: 'ops', cluster_node_id: node.id });

    // The same server cannot stand for a second node.
    expectFault(
      await adopt(project, { identity: id, type: 'os.nova.server-1.0', name: 'app-2' }),
      409,
      'ResourceInUse',
      `The resource '${id}' is already managed by node '${node.id}'.`,
    );
    expectFault(
      await adopt(freshProject(), { identity: id, type: 'os.nova.server-1.0' }),
      409,
      'ResourceInUse',
      `The resource '${id}' is already managed by another node.`,
    );

    // A cluster of a Nova profile takes it as a member; the server learns its cluster.
    await h.http('POST', '/v1/profiles', {
      project,
      body: {
        profile: {
          name: 'vm',
          spec: {
            type: 'os.nova.server',
            version: '1.0',
            properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk' },
          },
        },
      },
    });
    const made = await h.http<{ cluster: { id: string } }>('POST', '/v1/clusters', {
      project,
      body: { cluster: { name: 'apps', profile_id: 'vm', max_size: 5 } },
    });
    await succeeded(project, made);
    const cluster = made.body.cluster.id;
    await succeeded(
      project,
      await h.http('POST', `/v1/clusters/${cluster}/actions`, { project, body: { add_nodes: { nodes: ['app-1'] } } }),
    );
    const member = await h.http<{ node: Json }>('GET', `/v1/nodes/${node.id}`, { project });
    expect(member.body.node).toMatchObject({ cluster_id: cluster, status: 'ACTIVE' });
    const joined = serversOf(node.id);
    expect(joined[0].metadata).toMatchObject({
      cluster_id: cluster,
      cluster_node_index: String(member.body.node.index),
    });

    // Deleting the cluster deletes its members, the adopted server included.
    await succeeded(project, await h.http('DELETE', `/v1/clusters/${cluster}`, { project }));
    expect(serverIds()).not.toContain(id);
  });

  it('takes the node and profile back when the server cannot be tagged', async () => {
    const project = freshProject();
    const id = await legacyServer('untaggable');
    h.sim.admin.failNext({ method: 'POST', path: `/servers/${id}/metadata`, status: 500, count: 10 });
    expectFault(
      await adopt(project, { identity: id, type: 'os.nova.server-1.0', name: 'u' }),
      503,
      'ServiceUnavailable',
      /^The cloud could not be reached to adopt the resource: /,
    );
    h.sim.admin.clearFailNext();
    const [nodes, profiles] = await Promise.all([
      h.http<{ nodes: unknown[] }>('GET', '/v1/nodes', { project }),
      h.http<{ profiles: unknown[] }>('GET', '/v1/profiles', { project }),
    ]);
    expect([nodes.body.nodes, profiles.body.profiles]).toEqual([[], []]);
    // Nothing is left that would claim the server: adopting it again works.
    expect((await adopt(project, { identity: id, type: 'os.nova.server-1.0', name: 'u' })).status).toBe(200);
  });

  it('lets exactly one of two simultaneous adoptions of a server have it', async () => {
    const project = freshProject();
    const id = await legacyServer('contested');
    const answers = await Promise.all(
      ['a', 'b', 'c'].map((name) => adopt(project, { identity: id, type: 'os.nova.server-1.0', name })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409]);
    const nodes = await h.http<{ nodes: NodeView[] }>('GET', '/v1/nodes', { project });
    expect(nodes.body.nodes.map((n) => n.physical_id)).toEqual([id]);
  });

  it('names the node node-<8 random> when no name is given', async () => {
    const project = freshProject();
    const id = await legacyServer('unnamed');
    const a = await adopt(project, { identity: id, type: 'os.nova.server-1.0', name: null, metadata: null });
    expect(a.status).toBe(200);
    expect(a.body.node.name).toMatch(/^node-[A-Za-z][A-Za-z0-9]{7}$/);
    expect(a.body.node).toMatchObject({ profile_name: `prof-${String(a.body.node.name)}`, metadata: {}, role: '' });
    await succeeded(project, await h.http('DELETE', `/v1/nodes/${a.body.node.id}`, { project }));
    expect(serverIds()).not.toContain(id);
  });

  it('refuses a node of a Heat profile type into a cluster of Nova servers', async () => {
    const project = freshProject();
    const stack = await legacyStack(`other-${crypto.randomUUID().slice(0, 6)}`);
    const node = (await adopt(project, { identity: stack, type: 'os.heat.stack-1.0', name: 'st' })).body.node;
    await h.http('POST', '/v1/profiles', {
      project,
      body: {
        profile: {
          name: 'vm',
          spec: {
            type: 'os.nova.server',
            version: '1.0',
            properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk' },
          },
        },
      },
    });
    const made = await h.http<{ cluster: { id: string } }>('POST', '/v1/clusters', {
      project,
      body: { cluster: { name: 'vms', profile_id: 'vm' } },
    });
    await succeeded(project, made);
    expectFault(
      await h.http('POST', `/v1/clusters/vms/actions`, { project, body: { add_nodes: { nodes: [node.id] } } }),
      400,
      'BadRequest',
      `Profile type of nodes ['${node.id}'] does not match that of the cluster.`,
    );
  });
});

const TEMPLATE = {
  heat_template_version: '2016-04-08',
  parameters: { length: { type: 'number', default: 8 } },
  resources: { word: { type: 'OS::Heat::RandomString', properties: { length: { get_param: 'length' } } } },
  outputs: { value: { value: { get_attr: ['word', 'value'] } } },
};

/** A stack made directly in the cloud, CREATE_COMPLETE; returns its id. */
async function legacyStack(name: string): Promise<string> {
  const { id } = await cloud.orchestration.createStack({
    name,
    template: TEMPLATE,
    parameters: { length: 12 },
    timeoutMins: 7,
    disableRollback: false,
    tags: ['team=ops'],
  });
  await cloud.orchestration.waitForStack(id, ['CREATE_COMPLETE'], cloud.wait(10_000));
  return id;
}

describe('adopting a Heat stack', () => {
  it('previews the template, parameters and settings the stack was made with, found by name', async () => {
    const name = `legacy-${crypto.randomUUID().slice(0, 8)}`;
    await legacyStack(name);
    const a = await preview(freshProject(), { identity: name, type: 'os.heat.stack-1.0' });
    expect(a.status).toBe(200);
    const shown = a.body.node_profile.node_preview;
    expect(shown).toMatchObject({ type: 'os.heat.stack', version: '1.0' });
    expect(shown.properties).toEqual({
      template: TEMPLATE,
      parameters: { length: '12' },
      files: {},
      environment: expect.objectContaining({ parameters: { length: 12 } }),
      timeout: 7,
      disable_rollback: false,
    });
  });

  it('makes a node of the stack’s id, tags the stack, and deletes the stack with the node', async () => {
    const project = freshProject();
    const name = `legacy-${crypto.randomUUID().slice(0, 8)}`;
    const id = await legacyStack(name);
    const a = await adopt(project, { identity: name, type: 'os.heat.stack-1.0', name: 'stack-1' });
    expect(a.status).toBe(200);
    const node = a.body.node;
    expect(node).toMatchObject({ physical_id: id, status: 'ACTIVE', profile_name: 'prof-stack-1' });
    const [stack] = h.sim.admin.resources({ type: 'stacks' }).stacks!.filter((s) => s.id === id);
    expect(stack.tags).toEqual(['team=ops', `cluster_node_id=${node.id}`]);
    expectFault(
      await adopt(project, { identity: id, type: 'os.heat.stack-1.0' }),
      409,
      'ResourceInUse',
      `The resource '${id}' is already managed by node '${node.id}'.`,
    );

    await succeeded(project, await h.http('DELETE', `/v1/nodes/${node.id}`, { project }));
    const left = h.sim.admin.resources({ type: 'stacks' }).stacks!.filter((s) => s.id === id);
    expect(left.every((s) => s.status === 'DELETE_COMPLETE')).toBe(true);
  });
});

describe('adopting a Docker container', () => {
  it('finds the container on the host the overrides name, records that host, and removes it with the node', async () => {
    const project = freshProject();
    await h.http('POST', '/v1/profiles', {
      project,
      body: {
        profile: {
          name: 'vm',
          spec: {
            type: 'os.nova.server',
            version: '1.0',
            properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk' },
          },
        },
      },
    });
    const made = await h.http<{ node: { id: string } }>('POST', '/v1/nodes', {
      project,
      body: { node: { name: 'dhost', profile_id: 'vm' } },
    });
    await succeeded(project, made);
    const host = (await h.http<{ node: NodeView }>('GET', '/v1/nodes/dhost', { project })).body.node;
    const server = (await cloud.compute.getServer(host.physical_id))!;
    const ip = server.addresses.private.find((x) => x.type === 'fixed')!.addr;
    const docker = cloud.docker(`http://${ip}:${h.sim.dockerPort}`);
    const { id } = await docker.create({
      name: 'legacy-box',
      image: 'busybox',
      command: ['sleep', '3600'],
      labels: {},
    });
    await docker.start(id);

    const port = h.sim.dockerPort;
    expectFault(
      await preview(project, { identity: 'legacy-box', type: 'container.dockerinc.docker-1.0' }),
      400,
      'InvalidSpec',
      "Either 'host_cluster' or 'host_node' must be specified.",
    );
    expectFault(
      await preview(project, {
        identity: 'nope',
        type: 'container.dockerinc.docker-1.0',
        overrides: { host_node: 'dhost', port },
      }),
      400,
      'ProfileOperationFailed',
      '404: No such container: nope',
    );
    const shown = await preview(project, {
      identity: 'legacy-box',
      type: 'container.dockerinc.docker-1.0',
      overrides: { host_node: 'dhost', port },
    });
    expect(shown.status).toBe(200);
    expect(shown.body.node_profile.node_preview).toEqual({
      type: 'container.dockerinc.docker',
      version: '1.0',
      properties: { image: 'busybox', name: 'legacy-box', command: 'sleep 3600', host_node: 'dhost', port },
    });

    const a = await adopt(project, {
      identity: 'legacy-box',
      type: 'container.dockerinc.docker-1.0',
      name: 'box',
      overrides: { host_node: 'dhost', port },
    });
    expect(a.status).toBe(200);
    expect(a.body.node).toMatchObject({ physical_id: id, status: 'ACTIVE', data: { host_node: host.id, host_ip: ip } });
    const hostNow = (await h.http<{ node: NodeView }>('GET', '/v1/nodes/dhost', { project })).body.node;
    expect(hostNow.dependents).toMatchObject({ nodes: [a.body.node.id], profiles: [a.body.node.profile_id] });
    expect((await h.http('DELETE', '/v1/nodes/dhost', { project })).status).toBe(409);

    await succeeded(project, await h.http('DELETE', `/v1/nodes/${a.body.node.id}`, { project }));
    expect(await docker.inspect(id)).toBeNull();
    // The container's node no longer holds its host; the profile naming the host still does.
    const hostAfter = (await h.http<{ node: NodeView }>('GET', '/v1/nodes/dhost', { project })).body.node;
    expect(hostAfter.dependents).toEqual({ profiles: [a.body.node.profile_id] });
  });
});
