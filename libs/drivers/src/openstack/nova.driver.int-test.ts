import { CloudResourceFailed } from '@grove/core';
import { describeComputeDriver, simulatorConnector, useCloudSimulator } from '@grove/testing';
import type { CloudConnector, CloudDrivers } from '../cloud';
import { fixedAddressOn } from '../compute/server-address';

const UNKNOWN = '00000000-0000-4000-8000-00000000abcd';

describe('NovaDriver server groups against the simulated Nova', () => {
  const cloud = useCloudSimulator();
  let connector: CloudConnector;
  let drivers: CloudDrivers;

  beforeAll(async () => {
    connector = simulatorConnector(cloud);
    drivers = connector.forRegion('RegionOne');
  });
  afterAll(() => connector?.close());
  beforeEach(() => cloud.admin.reset());

  const wait = () => drivers.wait(10_000);

  /** A server booted into `group` in `zone`; resolves once it is ACTIVE or ERROR. */
  async function boot(group: string, zone: string) {
    const { compute } = drivers;
    const { id } = await compute.createServer({
      name: 'member',
      flavorRef: '1',
      imageRef: '55941991-9c07-4db1-8c59-1c7bb6d36aeb',
      metadata: {},
      availabilityZone: zone,
      schedulerHints: { group },
    });
    return compute.waitForServer(id, ['ACTIVE'], wait());
  }

  it('creates, gets, finds and deletes server groups of every policy', async () => {
    const { compute } = drivers;
    for (const policy of ['affinity', 'anti-affinity', 'soft-affinity', 'soft-anti-affinity'] as const) {
      const g = await compute.createServerGroup(`g-${policy}`, policy);
      expect(g).toMatchObject({ name: `g-${policy}`, policy, members: [] });
      expect(g.projectId).toMatch(/^[0-9a-f]{32}$/);
      expect(await compute.getServerGroup(g.id)).toEqual(g);
      expect(await compute.findServerGroupByName(`g-${policy}`)).toEqual(g);
    }
    const g = (await compute.findServerGroupByName('g-affinity'))!;
    await compute.deleteServerGroup(g.id);
    expect(await compute.getServerGroup(g.id)).toBeNull();
    expect(await compute.findServerGroupByName('g-affinity')).toBeNull();
    await compute.deleteServerGroup(g.id);
    expect(await compute.getServerGroup(UNKNOWN)).toBeNull();
  });

  it('boots anti-affinity members on different hypervisors of the zone, and fails one too many', async () => {
    const { compute } = drivers;
    const g = await compute.createServerGroup('spread', 'anti-affinity');
    const a = await boot(g.id, 'az2');
    const b = await boot(g.id, 'az2');
    expect([a.availabilityZone, b.availabilityZone]).toEqual(['az2', 'az2']);
    expect(a.hypervisorHost).not.toBe(b.hypervisorHost);
    const third = boot(g.id, 'az2');
    await expect(third).rejects.toBeInstanceOf(CloudResourceFailed);
    await expect(third).rejects.toThrow('No valid host was found. There are not enough hosts available.');
    expect((await compute.getServerGroup(g.id))!.members.slice(0, 2)).toEqual([a.id, b.id]);
    const listed = await cloud.admin.serverGroups({ name: 'spread' });
    expect(listed[0].members).toHaveLength(3);
  });

  it('keeps affinity members together and reads their fixed address on the network', async () => {
    const { compute, network } = drivers;
    const g = await compute.createServerGroup('together', 'affinity');
    const a = await boot(g.id, 'nova');
    const b = await boot(g.id, 'nova');
    expect(b.hypervisorHost).toBe(a.hypervisorHost);
    const subnet = (await network.findSubnet('private-subnet'))!;
    const net = (await network.findNetwork(subnet.networkId))!;
    const addr = fixedAddressOn(a, { networkName: net.name, cidr: subnet.cidr, ipVersion: subnet.ipVersion });
    expect(addr).toMatch(/^127\.10\./);
    const ports = await compute.listInterfaces(a.id);
    expect(ports[0].fixedIps).toContainEqual({ subnetId: subnet.id, ipAddress: addr });
  });
});

const simulated = useCloudSimulator();
// Builds, actions and deletes take a moment, as Nova's do, so the contract sees their transitions.
beforeAll(() => simulated.admin.setConfig({ build_time_ms: 100, action_time_ms: 100, delete_time_ms: 100 }));
describeComputeDriver('the simulator', () => ({
  connector: simulatorConnector(simulated),
  region: 'RegionOne',
  image: 'cirros-0.6.2-x86_64-disk',
  network: 'private',
  flavor: { name: 'm1.tiny', id: '1' },
  resizeFlavor: 'm1.small',
  waitMs: 30_000,
}));
