import { simulatorConnector } from '@grove/testing';
import { startCloudSimulator, type CloudSimulator } from '@grove/cloud-simulator';
import { type CloudConnector } from '@grove/drivers';
import { portTag, type ProfileContext, type ProfileNode } from '../profile-type';
import { ProfileRegistry } from '../registry';
import type { InternalPort } from './create-server';
import { novaServerProfile } from './nova-server.profile';
import type { NovaServerProps } from './nova-server.properties';

/**
 * A server create against the simulated Nova and Neutron, where an earlier attempt's work is
 * taken up again: what the create records early, and a server adopted with the port and floating
 * IP an attempt made for it.
 */
let sim: CloudSimulator;
let cloud: CloudConnector;
const registry = new ProfileRegistry();
const silent = { info: () => undefined, warn: () => undefined };

beforeAll(async () => {
  sim = await startCloudSimulator({ port: 0, dockerPort: 0 });
  cloud = simulatorConnector(sim);
});

afterAll(async () => {
  await cloud?.close();
  await sim?.close();
});

function context(recorded: { physicalId: string; data?: Record<string, unknown> }[] = []): ProfileContext {
  const drivers = cloud.forRegion('RegionOne');
  const signal = new AbortController().signal;
  return {
    cloud: drivers,
    signal,
    log: silent,
    nodes: { findNode: async () => null, clusterMembers: async () => null },
    waitOptions: (capMs) => drivers.wait(Math.min(capMs ?? 30_000, 30_000), signal),
    recordCreated: async (made) => {
      recorded.push(made);
    },
  };
}

/** A port of its own (a security group asks for one) with a floating IP made for it. */
const PROPS = registry.validate({
  type: 'os.nova.server',
  version: '1.0',
  properties: {
    flavor: 'm1.tiny',
    image: 'cirros-0.6.2-x86_64-disk',
    networks: [{ network: 'private', security_groups: ['default'], floating_network: 'public' }],
  },
}).properties as unknown as NovaServerProps;

const newNode = (): ProfileNode => ({
  id: crypto.randomUUID(),
  name: 'crash',
  clusterId: null,
  index: -1,
  physicalId: null,
  metadata: {},
  data: {},
  project: 'admin',
  userId: 'admin',
});

function cloudOf(nodeId: string) {
  const listing = sim.admin.resources({ type: ['servers', 'ports', 'floatingips'] });
  return {
    servers: (listing.servers ?? []).filter((s) => s.metadata.cluster_node_id === nodeId).map((s) => s.id),
    ports: (listing.ports ?? []).filter((p) => p.tags.includes(portTag(nodeId))),
    floatingIps: (listing.floatingips ?? []).filter((f) => f.description === portTag(nodeId)),
  };
}

describe('os.nova.server-1.0 create, taken up again after a crash', () => {
  it('records the server and its tagged port as soon as Nova answers', async () => {
    const recorded: { physicalId: string; data?: Record<string, unknown> }[] = [];
    const node = newNode();
    const made = await novaServerProfile.create(context(recorded), node, PROPS);
    const { ports, floatingIps } = cloudOf(node.id);
    expect(recorded).toEqual([{ physicalId: made.physicalId, data: { internal_ports: [expect.any(Object)] } }]);
    expect((recorded[0].data!.internal_ports as InternalPort[])[0].id).toBe(ports[0].id);
    expect(ports.map((p) => p.device_id)).toEqual([made.physicalId]);
    expect(made.data!.internal_ports).toEqual([
      expect.objectContaining({ id: ports[0].id, floating: { id: floatingIps[0].id, remove: true } }),
    ]);
    await novaServerProfile.delete(context(), { ...node, physicalId: made.physicalId, data: made.data! }, PROPS);
    expect(cloudOf(node.id)).toEqual({ servers: [], ports: [], floatingIps: [] });
  });

  it('adopts a server with the port and floating IP made for it, though the node recorded none of them', async () => {
    const node = newNode();
    const first = await novaServerProfile.create(context(), node, PROPS);
    const before = cloudOf(node.id);

    // The earlier attempt's writes were lost: the node knows only the server's id, found by its tags.
    const [found] = await novaServerProfile.findCreated(context(), node, PROPS);
    expect(found).toBe(first.physicalId);
    const recorded: { physicalId: string }[] = [];
    const again = await novaServerProfile.create(context(recorded), { ...node, physicalId: found }, PROPS);
    expect(again.physicalId).toBe(first.physicalId);
    expect(recorded).toEqual([]);
    expect(again.data!.internal_ports).toEqual([
      expect.objectContaining({ id: before.ports[0].id, floating: { id: before.floatingIps[0].id, remove: true } }),
    ]);
    expect(cloudOf(node.id)).toEqual(before);

    // Deleted with a node that recorded nothing of its ports, the floating IP goes too.
    await novaServerProfile.delete(context(), { ...node, physicalId: found }, PROPS);
    expect(cloudOf(node.id)).toEqual({ servers: [], ports: [], floatingIps: [] });
  });

  it('deletes ports an attempt made before it crashed, when nothing was booted for them', async () => {
    const node = newNode();
    const network = cloud.forRegion('RegionOne').network;
    const net = (await network.findNetwork('private'))!;
    await network.createPort({ networkId: net.id, name: 'crash-port', tags: [portTag(node.id)] });
    expect(cloudOf(node.id).ports).toHaveLength(1);
    await novaServerProfile.delete(context(), node, PROPS);
    expect(cloudOf(node.id)).toEqual({ servers: [], ports: [], floatingIps: [] });
  });
});

describe('os.nova.server-1.0 create when Nova fails to answer the create', () => {
  afterEach(() => sim.admin.clearFailNext());

  it('asks again when Nova refused it with a 503, and boots one server', async () => {
    const node = newNode();
    sim.admin.failNext({ method: 'POST', path: '/servers$', status: 503, count: 1 });
    const made = await novaServerProfile.create(context(), node, PROPS);
    expect(cloudOf(node.id).servers).toEqual([made.physicalId]);
    await novaServerProfile.delete(context(), { ...node, physicalId: made.physicalId, data: made.data! }, PROPS);
  });

  it('takes the server Nova made though its answer was lost, instead of booting a second', async () => {
    const node = newNode();
    sim.admin.failNext({ method: 'POST', path: '/servers$', status: 502, count: 1, after_effect: true });
    const made = await novaServerProfile.create(context(), node, PROPS);
    expect(cloudOf(node.id).servers).toEqual([made.physicalId]);
    await novaServerProfile.delete(context(), { ...node, physicalId: made.physicalId, data: made.data! }, PROPS);
    expect(cloudOf(node.id)).toEqual({ servers: [], ports: [], floatingIps: [] });
  });

  it('gives up after eight unanswered attempts, leaving nothing behind', async () => {
    const node = newNode();
    sim.admin.failNext({ method: 'POST', path: '/servers$', status: 504, count: 8 });
    await expect(novaServerProfile.create(context(), node, PROPS)).rejects.toThrow(/504/);
    expect(cloudOf(node.id)).toEqual({ servers: [], ports: [], floatingIps: [] });
  }, 15_000);
});
