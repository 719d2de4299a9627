import { simulatorConnector } from '@grove/testing';
import { startCloudSimulator, type CloudSimulator } from '@grove/cloud-simulator';
import { type CloudConnector } from '@grove/drivers';
import type { ProfileContext, ProfileNode } from '../profile-type';
import { ProfileRegistry } from '../registry';
import type { InternalPort } from './create-server';
import { novaServerProfile } from './nova-server.profile';
import type { NovaServerProps } from './nova-server.properties';

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

function context(): ProfileContext {
  const drivers = cloud.forRegion('RegionOne');
  const signal = new AbortController().signal;
  return {
    cloud: drivers,
    signal,
    log: silent,
    nodes: { findNode: async () => null, clusterMembers: async () => null },
    waitOptions: (capMs) => drivers.wait(Math.min(capMs ?? 30_000, 30_000), signal),
  };
}

const props = (networks: unknown[]) =>
  registry.validate({
    type: 'os.nova.server',
    version: '1.0',
    properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk', networks },
  }).properties as unknown as NovaServerProps;

const newNode = (): ProfileNode => ({
  id: crypto.randomUUID(),
  name: 'net',
  clusterId: null,
  index: -1,
  physicalId: null,
  metadata: {},
  data: {},
  project: 'admin',
  userId: 'admin',
});

async function portsOf(serverId: string) {
  const { compute, network } = cloud.forRegion('RegionOne');
  const plugged = await compute.listInterfaces(serverId);
  return Promise.all(plugged.map(async (i) => ({ ...i, port: (await network.getPort(i.portId))! })));
}

/** Every port the simulator still has (its admin listing). */
const portsLeft = () => sim.admin.resources({ type: 'ports' }).ports ?? [];

describe('os.nova.server-1.0 network updates against a simulated Nova', () => {
  it('plugs new entries in, unplugs removed ones and deletes the ports it made, keeping the server', async () => {
    const ctx = context();
    const before = portsLeft();
    const node = newNode();
    const one = props([{ network: 'private' }]);
    const made = await novaServerProfile.create(ctx, node, one);
    let live: ProfileNode = { ...node, physicalId: made.physicalId, data: made.data ?? {} };
    expect(await portsOf(made.physicalId)).toHaveLength(1);

    // Add a port with a fixed IP and one with security groups (a port of the profile's own).
    const three = props([
      { network: 'private' },
      { network: 'private', fixed_ip: '127.10.200.7' },
      { network: 'private', security_groups: ['default'] },
    ]);
    const added = await novaServerProfile.update(ctx, live, one, three);
    const internal = added.data!.internal_ports as InternalPort[];
    expect(internal).toHaveLength(1);
    expect(internal[0].network).toEqual({ network: 'private', security_groups: ['default'] });
    live = { ...live, data: { ...live.data, ...added.data } };
    const plugged = await portsOf(made.physicalId);
    expect(plugged).toHaveLength(3);
    expect(plugged.flatMap((p) => p.fixedIps.map((f) => f.ipAddress))).toContain('127.10.200.7');
    expect(plugged.map((p) => p.portId)).toContain(internal[0].id);

    // Security groups alone: the same port gets the new groups.
    const regrouped = props([
      { network: 'private' },
      { network: 'private', fixed_ip: '127.10.200.7' },
      { network: 'private', security_groups: [] },
    ]);
    const after = await novaServerProfile.update(ctx, live, three, regrouped);
    expect((after.data!.internal_ports as InternalPort[]).map((p) => p.id)).toEqual([internal[0].id]);
    live = { ...live, data: { ...live.data, ...after.data } };

    // Drop the fixed-IP entry and the profile's own port: both are unplugged, the own port deleted.
    const removed = await novaServerProfile.update(ctx, live, regrouped, one);
    expect(removed.data!.internal_ports).toEqual([]);
    const left = await portsOf(made.physicalId);
    expect(left).toHaveLength(1);
    expect(left[0].fixedIps.map((f) => f.ipAddress)).not.toContain('127.10.200.7');
    expect((await cloud.forRegion('RegionOne').compute.getServer(made.physicalId))!.status).toBe('ACTIVE');
    expect(portsLeft().map((p) => p.id)).not.toContain(internal[0].id);

    await novaServerProfile.delete(ctx, { ...live, data: { ...live.data, ...removed.data } }, one);
    expect(
      portsLeft()
        .map((p) => p.id)
        .sort(),
    ).toEqual(before.map((p) => p.id).sort());
  });

  it('takes back the ports it made when plugging one in fails', async () => {
    const ctx = context();
    const before = portsLeft();
    const node = newNode();
    const one = props([{ network: 'private' }]);
    const made = await novaServerProfile.create(ctx, node, one);
    const live: ProfileNode = { ...node, physicalId: made.physicalId, data: made.data ?? {} };
    sim.admin.failNext({ method: 'POST', path: `/servers/${made.physicalId}/os-interface$`, status: 500, count: 1 });
    const more = props([{ network: 'private' }, { network: 'private', security_groups: ['default'] }]);
    const err = await novaServerProfile.update(ctx, live, one, more).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(new RegExp(`^Failed in updating server '${made.physicalId}': `));
    expect(await portsOf(made.physicalId)).toHaveLength(1);
    await novaServerProfile.delete(ctx, live, one);
    expect(
      portsLeft()
        .map((p) => p.id)
        .sort(),
    ).toEqual(before.map((p) => p.id).sort());
  });
});
