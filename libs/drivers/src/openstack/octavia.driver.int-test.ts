import { CloudBusy, CloudError, CloudResourceFailed, CloudTimeout } from '@grove/core';
import { simulatorConnector, useCloudSimulator } from '@grove/testing';
import type { CloudConnector, CloudDrivers } from '../cloud';

const UNKNOWN = '00000000-0000-4000-8000-00000000abcd';

describe('OctaviaDriver against the simulated Octavia', () => {
  const cloud = useCloudSimulator();
  let connector: CloudConnector;
  let drivers: CloudDrivers;

  beforeAll(() => {
    connector = simulatorConnector(cloud);
    drivers = connector.forRegion('RegionOne');
  });
  afterAll(() => connector?.close());
  beforeEach(() => cloud.admin.reset());

  const wait = (ms = 10_000, signal?: AbortSignal) => drivers.wait(ms, signal);

  async function activeLoadBalancer(name = 'web') {
    const subnet = (await drivers.network.findSubnet('private-subnet'))!;
    const lb = await drivers.lbaas.createLoadBalancer({ name, vipSubnetId: subnet.id });
    return drivers.lbaas.waitLoadBalancerActive(lb.id, wait());
  }

  it('builds a load balancer with listener, pool, monitor and members, then deletes it all with cascade', async () => {
    await cloud.admin.setConfig({ build_time_ms: 150, action_time_ms: 60, delete_time_ms: 100 });
    const { lbaas, network } = drivers;
    const subnet = (await network.findSubnet('private-subnet'))!;
    expect(subnet).toMatchObject({ name: 'private-subnet', cidr: '127.10.0.0/16', ipVersion: 4 });
    const made = await lbaas.createLoadBalancer({ name: 'web', vipSubnetId: subnet.id, availabilityZone: 'az1' });
    expect(made.provisioningStatus).toBe('PENDING_CREATE');
    const lb = await lbaas.waitLoadBalancerActive(made.id, wait());
    expect(lb).toMatchObject({
      id: made.id,
      vipSubnetId: subnet.id,
      vipNetworkId: subnet.networkId,
      availabilityZone: 'az1',
      operatingStatus: 'ONLINE',
    });
    expect(lb.vipAddress).toMatch(/^127\.10\./);

    const listener = await lbaas.createListener({ loadBalancerId: lb.id, protocol: 'HTTP', protocolPort: 80 });
    await lbaas.waitLoadBalancerActive(lb.id, wait());
    const pool = await lbaas.createPool({
      listenerId: listener.id,
      protocol: 'HTTP',
      lbAlgorithm: 'ROUND_ROBIN',
      sessionPersistence: { type: 'SOURCE_IP', cookieName: 'dropped' },
    });
    expect(pool.sessionPersistence).toEqual({ type: 'SOURCE_IP' });
    await lbaas.waitLoadBalancerActive(lb.id, wait());
    const hm = await lbaas.createHealthMonitor({
      poolId: pool.id,
      type: 'HTTP',
      delay: 10,
      timeout: 5,
      maxRetries: 3,
      urlPath: '/healthz',
    });
    await lbaas.waitLoadBalancerActive(lb.id, wait());
    expect(await lbaas.getHealthMonitor(hm.id)).toMatchObject({
      type: 'HTTP',
      urlPath: '/healthz',
      httpMethod: 'GET',
      poolIds: [pool.id],
    });
    expect(await lbaas.getListener(listener.id)).toMatchObject({ loadBalancerId: lb.id, defaultPoolId: pool.id });

    const a = await lbaas.createMember(pool.id, { address: '127.10.0.41', protocolPort: 8080, subnetId: subnet.id });
    await lbaas.waitLoadBalancerActive(lb.id, wait());
    const b = await lbaas.createMember(pool.id, { address: '127.10.0.42', protocolPort: 8080, weight: 3 });
    await lbaas.waitLoadBalancerActive(lb.id, wait());
    expect((await lbaas.listMembers(pool.id))!.map((m) => [m.id, m.address, m.weight, m.operatingStatus])).toEqual([
      [a.id, '127.10.0.41', 1, 'ONLINE'],
      [b.id, '127.10.0.42', 3, 'ONLINE'],
    ]);
    expect((await lbaas.getPool(pool.id))!.memberIds).toEqual([a.id, b.id]);

    await lbaas.deleteMember(pool.id, a.id);
    await lbaas.waitLoadBalancerActive(lb.id, wait());
    expect((await lbaas.listMembers(pool.id))!.map((m) => m.id)).toEqual([b.id]);
    expect(await lbaas.getMember(pool.id, a.id)).toBeNull();

    await lbaas.deleteLoadBalancer(lb.id, { cascade: true });
    await lbaas.waitLoadBalancerGone(lb.id, wait());
    expect(await lbaas.getLoadBalancer(lb.id)).toBeNull();
    expect(await lbaas.getPool(pool.id)).toBeNull();
    expect(await cloud.admin.resources({ type: ['loadbalancers', 'members', 'ports'] })).toEqual({
      loadbalancers: [],
      members: [],
      ports: [],
    });
  });

  it('waits out a load balancer busy with another change and tries again, instead of failing on 409', async () => {
    const lb = await activeLoadBalancer();
    await cloud.admin.setConfig({ action_time_ms: 250 });
    await cloud.admin.resetStats();
    const listener = await drivers.lbaas.createListener({ loadBalancerId: lb.id, protocol: 'TCP', protocolPort: 443 });
    // The listener holds the load balancer PENDING_UPDATE: the pool is refused once, then made.
    const pool = await drivers.lbaas.createPool({ loadBalancerId: lb.id, protocol: 'TCP', lbAlgorithm: 'SOURCE_IP' });
    expect(pool.loadBalancerIds).toEqual([lb.id]);
    await drivers.lbaas.waitLoadBalancerActive(lb.id, wait());
    // Members of one pool: the second is refused with "Pool … is immutable", and made once the first is done.
    const [m1, m2] = await Promise.all([
      drivers.lbaas.createMember(pool.id, { address: '127.10.0.51', protocolPort: 443 }),
      drivers.lbaas.createMember(pool.id, { address: '127.10.0.52', protocolPort: 443 }),
    ]);
    await drivers.lbaas.deleteListener(listener.id);
    await drivers.lbaas.waitLoadBalancerActive(lb.id, wait());
    expect(await drivers.lbaas.getListener(listener.id)).toBeNull();
    expect((await drivers.lbaas.listMembers(pool.id))!.map((m) => m.id).sort()).toEqual([m1.id, m2.id].sort());
    expect((await cloud.admin.stats()).by_status['409']).toBeGreaterThanOrEqual(3);
  });

  it('gives up with CloudBusy after a few tries, and passes other 409s on at once', async () => {
    const lb = await activeLoadBalancer();
    await cloud.admin.failNext({
      method: 'POST',
      path: '/lbaas/listeners$',
      status: 409,
      message: `Load Balancer ${lb.id} is immutable and cannot be updated.`,
      count: 10,
    });
    const busy = drivers.lbaas.createListener({ loadBalancerId: lb.id, protocol: 'HTTP', protocolPort: 80 });
    await expect(busy).rejects.toBeInstanceOf(CloudBusy);
    await expect(busy).rejects.toThrow(`Load Balancer ${lb.id} is immutable`);
    // The first try and three more.
    expect((await cloud.admin.stats()).injected_failures).toBe(4);
    await cloud.admin.clearFailNext();

    await drivers.lbaas.createListener({ loadBalancerId: lb.id, protocol: 'HTTP', protocolPort: 80 });
    await drivers.lbaas.waitLoadBalancerActive(lb.id, wait());
    const dup = drivers.lbaas.createListener({ loadBalancerId: lb.id, protocol: 'HTTP', protocolPort: 80 });
    await expect(dup).rejects.toThrow('already using protocol_port 80');
    await expect(dup).rejects.not.toBeInstanceOf(CloudBusy);
    await expect(dup).rejects.toMatchObject({ httpStatus: 409 });
  });

  it('answers null for what does not exist, and deletes what is gone without complaint', async () => {
    const { lbaas } = drivers;
    expect(await lbaas.getLoadBalancer(UNKNOWN)).toBeNull();
    expect(await lbaas.findLoadBalancer('nothing-by-that-name')).toBeNull();
    expect(await lbaas.getListener(UNKNOWN)).toBeNull();
    expect(await lbaas.getPool(UNKNOWN)).toBeNull();
    expect(await lbaas.getMember(UNKNOWN, UNKNOWN)).toBeNull();
    expect(await lbaas.listMembers(UNKNOWN)).toBeNull();
    expect(await lbaas.getHealthMonitor(UNKNOWN)).toBeNull();
    await lbaas.deleteLoadBalancer(UNKNOWN, { cascade: true });
    await lbaas.deleteListener(UNKNOWN);
    await lbaas.deletePool(UNKNOWN);
    await lbaas.deleteMember(UNKNOWN, UNKNOWN);
    await lbaas.deleteHealthMonitor(UNKNOWN);
    await lbaas.waitLoadBalancerGone(UNKNOWN, wait());
    await expect(lbaas.waitLoadBalancerActive(UNKNOWN, wait())).rejects.toBeInstanceOf(CloudResourceFailed);
    const bad = lbaas.createLoadBalancer({ vipSubnetId: UNKNOWN });
    await expect(bad).rejects.toBeInstanceOf(CloudError);
    await expect(bad).rejects.toThrow(`Subnet ${UNKNOWN} not found.`);
  });

  it('finds load balancers and flavors by name or id', async () => {
    const lb = await activeLoadBalancer('by-name');
    expect((await drivers.lbaas.findLoadBalancer('by-name'))?.id).toBe(lb.id);
    expect((await drivers.lbaas.findLoadBalancer(lb.id))?.name).toBe('by-name');
    const flavor = (await drivers.lbaas.findFlavor('amphora-single'))!;
    expect(flavor.enabled).toBe(true);
    expect((await drivers.lbaas.findFlavor(flavor.id))?.name).toBe('amphora-single');
    expect(await drivers.lbaas.findFlavor('gold')).toBeNull();
  });

  it('refuses to delete a load balancer with children unless cascading', async () => {
    const lb = await activeLoadBalancer();
    await drivers.lbaas.createListener({ loadBalancerId: lb.id, protocol: 'HTTP', protocolPort: 80 });
    await drivers.lbaas.waitLoadBalancerActive(lb.id, wait());
    await expect(drivers.lbaas.deleteLoadBalancer(lb.id)).rejects.toThrow('it has children');
    await drivers.lbaas.deleteLoadBalancer(lb.id, { cascade: true });
    await drivers.lbaas.waitLoadBalancerGone(lb.id, wait());
  });

  it('ends a wait on ERROR, on its deadline, and when aborted', async () => {
    const subnet = (await drivers.network.findSubnet('private-subnet'))!;
    await cloud.admin.setConfig({ build_failure_rate: 1 });
    const broken = await drivers.lbaas.createLoadBalancer({ vipSubnetId: subnet.id });
    await expect(drivers.lbaas.waitLoadBalancerActive(broken.id, wait())).rejects.toThrow(
      `Load balancer ${broken.id} went to provisioning_status ERROR`,
    );

    await cloud.admin.setConfig({ build_failure_rate: 0, build_time_ms: 60_000 });
    const slow = await drivers.lbaas.createLoadBalancer({ vipSubnetId: subnet.id });
    await expect(drivers.lbaas.waitLoadBalancerActive(slow.id, wait(200))).rejects.toBeInstanceOf(CloudTimeout);
    const abort = new AbortController();
    const waiting = drivers.lbaas.waitLoadBalancerActive(slow.id, wait(30_000, abort.signal));
    setTimeout(() => abort.abort(new Error('cancelled')), 100);
    await expect(waiting).rejects.toThrow('cancelled');
  });
});
