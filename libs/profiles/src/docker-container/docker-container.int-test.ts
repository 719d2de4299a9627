import { simulatorConnector } from '@grove/testing';
import { startCloudSimulator, type CloudSimulator } from '@grove/cloud-simulator';
import { SpecError } from '@grove/core';
import { type CloudConnector } from '@grove/drivers';
import { ProfileError, type HostNode, type ProfileContext, type ProfileNode } from '../profile-type';
import { ProfileRegistry } from '../registry';
import { dockerContainerProfile } from './docker-container.profile';
import type { DockerContainerProps } from './docker-container.properties';
import { pickMember } from './docker-host';

let sim: CloudSimulator;
let cloud: CloudConnector;
const registry = new ProfileRegistry();
/** The Grove nodes the tests made hosts of: what the engine's node directory would return. */
const hosts = new Map<string, HostNode>();
const clusters = new Map<string, string[]>();

const silent = { info: () => undefined, warn: () => undefined };

function context(timeoutMs = 30_000): ProfileContext {
  const drivers = cloud.forRegion('RegionOne');
  const signal = new AbortController().signal;
  return {
    cloud: drivers,
    signal,
    log: silent,
    nodes: {
      findNode: async (_project, identity) =>
        hosts.get(identity) ?? [...hosts.values()].find((h) => h.name === identity) ?? null,
      clusterMembers: async (_project, identity) => {
        const ids = clusters.get(identity);
        return ids ? ids.map((id) => hosts.get(id)!).filter((h) => h.status === 'ACTIVE') : null;
      },
    },
    waitOptions: (capMs) => drivers.wait(Math.min(capMs ?? timeoutMs, timeoutMs), signal),
  };
}

const newNode = (o: Partial<ProfileNode> = {}): ProfileNode => ({
  id: crypto.randomUUID(),
  name: 'app',
  clusterId: null,
  index: -1,
  physicalId: null,
  metadata: {},
  data: {},
  project: 'admin',
  userId: 'admin',
  ...o,
});

const SERVER_SPEC = {
  type: 'os.nova.server',
  version: '1.0',
  properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk', networks: [{ network: 'private' }] },
};

const STACK_SPEC = {
  type: 'os.heat.stack',
  version: '1.0',
  properties: {
    template: {
      heat_template_version: '2016-04-08',
      resources: {
        server: {
          type: 'OS::Nova::Server',
          properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk', networks: [{ network: 'private' }] },
        },
      },
      outputs: { fixed_ip: { value: { get_attr: ['server', 'first_address'] } } },
    },
  },
};

/** A Grove node of `spec` with its real server or stack, registered as a possible Docker host. */
async function makeHost(
  name: string,
  spec: Record<string, unknown>,
  clusterId: string | null = null,
): Promise<HostNode> {
  const { type, key, properties } = registry.validate(spec);
  const node = newNode({ name, clusterId });
  const made = await type.create(context(), node, properties);
  const host: HostNode = {
    id: node.id,
    name,
    clusterId,
    physicalId: made.physicalId,
    status: 'ACTIVE',
    profileType: key,
    profileProperties: properties,
  };
  hosts.set(host.id, host);
  if (clusterId) clusters.set(clusterId, [...(clusters.get(clusterId) ?? []), host.id]);
  return host;
}

const props = (p: Record<string, unknown>) =>
  registry.validate({ type: 'container.dockerinc.docker', version: '1.0', properties: { port: sim.dockerPort, ...p } })
    .properties as unknown as DockerContainerProps;

/** Every container the simulated Docker hosts still have (the simulator's admin listing). */
const containersLeft = () => sim.admin.resources({ type: 'containers' }).containers ?? [];

const docker = (hostIp: string) => cloud.forRegion('RegionOne').docker(`http://${hostIp}:${sim.dockerPort}`);

let server: HostNode;

beforeAll(async () => {
  sim = await startCloudSimulator({ port: 0, dockerPort: 0 });
  cloud = simulatorConnector(sim);
  server = await makeHost('docker-host', SERVER_SPEC);
});

afterAll(async () => {
  for (const h of hosts.values()) {
    const { type, properties } = registry.validate(h.profileType.startsWith('os.heat') ? STACK_SPEC : SERVER_SPEC);
    await type.delete(context(), newNode({ physicalId: h.physicalId }), properties).catch(() => undefined);
  }
  await cloud?.close();
  await sim?.close();
});

describe('container.dockerinc.docker-1.0 against simulated Docker hosts', () => {
  it('checks the host the spec names when it knows the project', async () => {
    const err = await dockerContainerProfile
      .validateInCloud(context(), props({ image: 'nginx', host_node: 'nowhere' }), 'admin')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpecError);
    expect((err as SpecError).reason).toBe("The specified host_node 'nowhere' could not be found or is not unique.");
    const noCluster = await dockerContainerProfile
      .validateInCloud(context(), props({ image: 'nginx', host_cluster: 'nowhere' }), 'admin')
      .catch((e: unknown) => e);
    expect((noCluster as SpecError).reason).toBe(
      "The specified host_cluster 'nowhere' could not be found or is not unique.",
    );
    await expect(
      dockerContainerProfile.validateInCloud(context(), props({ image: 'nginx', host_node: 'docker-host' }), 'admin'),
    ).resolves.toBeUndefined();
  });

  it('runs a container on a server node and manages it through the host it recorded', async () => {
    const ctx = context();
    const node = newNode({ clusterId: crypto.randomUUID(), index: 1 });
    const p = props({ image: 'nginx', host_node: 'docker-host', command: 'nginx -g "daemon off;"' });

    const made = await dockerContainerProfile.create(ctx, node, p);
    const hostIp = made.data!.host_ip as string;
    expect(made.data).toEqual({ host_node: server.id, host_ip: expect.stringMatching(/^127\.10\./) });
    expect(made.dependsOn).toEqual([server.id]);
    const c = (await docker(hostIp).inspect(made.physicalId))!;
    expect(c.status).toBe('running');
    expect(c.name).toMatch(/^app-[A-Za-z][A-Za-z0-9]{7}$/);
    expect(c.labels).toMatchObject({ cluster_node_id: node.id, cluster_id: node.clusterId, cluster_node_index: '1' });
    expect((c.raw.Config as { Cmd: string[] }).Cmd).toEqual(['nginx', '-g', 'daemon off;']);
    expect(await dockerContainerProfile.findCreated(ctx, node, p)).toEqual([made.physicalId]);

    const live = { ...node, physicalId: made.physicalId, data: made.data! };
    expect(await dockerContainerProfile.check(ctx, live, p)).toEqual({ state: 'healthy' });
    expect(await dockerContainerProfile.details(ctx, live, p)).toMatchObject({
      id: made.physicalId,
      image: 'nginx',
      status: 'running',
      host_node: server.id,
      host_ip: hostIp,
      labels: { cluster_node_id: node.id },
    });

    await dockerContainerProfile.operation(ctx, live, p, 'pause', {});
    expect(await dockerContainerProfile.check(ctx, live, p)).toEqual({
      state: 'unhealthy',
      reason: 'Container status is paused.',
    });
    await dockerContainerProfile.operation(ctx, live, p, 'unpause', {});
    await dockerContainerProfile.operation(ctx, live, p, 'restart', { wait_time: 1 });
    const restarted = (await docker(hostIp).inspect(made.physicalId))!;
    expect(restarted.status).toBe('running');
    expect(restarted.raw.RestartCount ?? 0).toBeGreaterThanOrEqual(0);

    await dockerContainerProfile.update(ctx, live, p, { ...p, name: 'renamed' });
    expect((await docker(hostIp).inspect(made.physicalId))!.name).toBe('renamed');

    await dockerContainerProfile.delete(ctx, live, p);
    expect(await docker(hostIp).inspect(made.physicalId)).toBeNull();
    expect(await dockerContainerProfile.check(ctx, live, p)).toMatchObject({ state: 'gone' });
    expect(containersLeft().filter((x) => x.id === made.physicalId)).toEqual([]);
  });

  it('picks an ACTIVE member of a host cluster, the same one for the same node', async () => {
    const cluster = crypto.randomUUID();
    const members = [
      await makeHost('member-a', SERVER_SPEC, cluster),
      await makeHost('member-b', SERVER_SPEC, cluster),
    ];
    const ctx = context();
    const node = newNode();
    const p = props({ image: 'redis', host_cluster: cluster });
    const made = await dockerContainerProfile.create(ctx, node, p);
    expect(made.data!.host_node).toBe(pickMember(members, node.id)!.id);
    // A node whose create never recorded its host is still found, and deleted, on the cluster.
    const unrecorded = { ...node, physicalId: made.physicalId };
    expect(await dockerContainerProfile.check(ctx, unrecorded, p)).toEqual({ state: 'healthy' });
    await dockerContainerProfile.delete(ctx, unrecorded, p);
    expect(containersLeft().filter((x) => x.id === made.physicalId)).toEqual([]);

    const empty = crypto.randomUUID();
    clusters.set(empty, []);
    const err = await dockerContainerProfile
      .create(ctx, newNode(), props({ image: 'redis', host_cluster: empty }))
      .catch((e: unknown) => e);
    expect((err as ProfileError).message).toBe(
      `Failed in creating container: The cluster (${empty}) contains no active nodes`,
    );
  });

  it("finds a stack host's Docker daemon at the stack's fixed_ip output", async () => {
    const stackHost = await makeHost('stack-host', STACK_SPEC);
    const ctx = context();
    const node = newNode();
    const p = props({ image: 'alpine', host_node: stackHost.id, command: 'sleep 3600' });
    const made = await dockerContainerProfile.create(ctx, node, p);
    const stack = (await cloud.forRegion('RegionOne').orchestration.getStack(stackHost.physicalId!))!;
    expect(made.data!.host_ip).toBe(stack.outputs.fixed_ip);
    await dockerContainerProfile.delete(ctx, { ...node, physicalId: made.physicalId, data: made.data! }, p);
  });

  it("refuses a stack host whose fixed_ip output is not an address of the stack's own servers", async () => {
    // The template is the tenant's: its output could name any internal address Grove can reach.
    const outputs = { fixed_ip: { value: '10.66.0.1' } };
    const spec = {
      ...STACK_SPEC,
      properties: { ...STACK_SPEC.properties, template: { ...STACK_SPEC.properties.template, outputs } },
    };
    const stackHost = await makeHost('steering-host', spec);
    const p = props({ image: 'alpine', host_node: stackHost.id, command: 'sleep 3600' });
    await expect(dockerContainerProfile.create(context(), newNode(), p)).rejects.toThrow(
      `Output 'fixed_ip' ("10.66.0.1") of host node 'steering-host' is not an address of the stack's own servers or ports`,
    );
  });

  it('recovers by running a new container in place of the old one', async () => {
    const ctx = context();
    const node = newNode();
    const p = props({ image: 'busybox', host_node: server.id, command: 'sleep 3600' });
    const made = await dockerContainerProfile.create(ctx, node, p);
    const live = { ...node, physicalId: made.physicalId, data: made.data! };
    const recovered = await dockerContainerProfile.recover(ctx, live, p, { operation: 'RECREATE', params: {} });
    expect(recovered.physicalId).not.toBe(made.physicalId);
    expect(recovered.dependsOn).toEqual([server.id]);
    expect(recovered.data).toMatchObject({ host_node: server.id, recovery: 'RECREATE' });
    const hostIp = made.data!.host_ip as string;
    expect(await docker(hostIp).inspect(made.physicalId)).toBeNull();
    expect((await docker(hostIp).inspect(recovered.physicalId))!.status).toBe('running');
    await dockerContainerProfile.delete(ctx, { ...live, physicalId: recovered.physicalId }, p);
  });

  it('starts the container an earlier attempt made instead of making another', async () => {
    const ctx = context();
    const node = newNode();
    const p = props({ image: 'nginx', host_node: server.id });
    const first = await dockerContainerProfile.create(ctx, node, p);
    const hostIp = first.data!.host_ip as string;
    await docker(hostIp).stop(first.physicalId, 1);
    const [found] = await dockerContainerProfile.findCreated(ctx, node, p);
    const again = await dockerContainerProfile.create(ctx, { ...node, physicalId: found }, p);
    expect(again).toEqual(first);
    expect((await docker(hostIp).inspect(first.physicalId))!.status).toBe('running');
    expect(containersLeft().filter((c) => c.labels.cluster_node_id === node.id)).toHaveLength(1);
    await dockerContainerProfile.delete(ctx, { ...node, physicalId: first.physicalId, data: first.data! }, p);
  });

  it('refuses hosts it cannot run on and leaves nothing behind when a container cannot start', async () => {
    const ctx = context();
    const container = newNode();
    const made = await dockerContainerProfile.create(
      ctx,
      container,
      props({ image: 'busybox', host_node: server.id, command: 'sleep 3600' }),
    );
    hosts.set(container.id, {
      ...server,
      id: container.id,
      name: 'a-container',
      physicalId: made.physicalId,
      profileType: 'container.dockerinc.docker-1.0',
    });
    const wrongType = await dockerContainerProfile
      .create(ctx, newNode(), props({ image: 'nginx', host_node: container.id }))
      .catch((e: unknown) => e);
    expect((wrongType as ProfileError).message).toBe(
      'Failed in creating container: Type of host node (container.dockerinc.docker) is not supported',
    );
    hosts.delete(container.id);
    await dockerContainerProfile.delete(
      ctx,
      { ...container, physicalId: made.physicalId, data: made.data! },
      props({ image: 'busybox', host_node: server.id }),
    );

    const noImage = await dockerContainerProfile
      .create(ctx, newNode(), props({ image: 'no-such-image', host_node: server.id }))
      .catch((e: unknown) => e);
    expect(noImage).toBeInstanceOf(ProfileError);
    expect((noImage as ProfileError).physicalId).toBeNull();

    const quits = newNode();
    const exited = await dockerContainerProfile
      .create(ctx, quits, props({ image: 'busybox', host_node: server.id, command: 'true' }))
      .catch((e: unknown) => e);
    expect((exited as ProfileError).message).toMatch(
      /^Failed in creating container: container \S+ exited with code 0 instead of running$/,
    );
    expect((exited as ProfileError).physicalId).toBeNull();
    expect(
      await dockerContainerProfile.findCreated(ctx, quits, props({ image: 'busybox', host_node: server.id })),
    ).toEqual([]);
    expect(containersLeft()).toEqual([]);
  });
});
