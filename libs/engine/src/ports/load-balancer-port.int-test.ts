import { simulatorConnector, useCloudSimulator } from '@grove/testing';
import type { CloudConnector, CloudDrivers } from '@grove/drivers';
import type { LbResources } from '@grove/policies';
import { OctaviaLoadBalancerPort } from './load-balancer-port';

describe('OctaviaLoadBalancerPort against the simulated cloud', () => {
  const cloud = useCloudSimulator();
  let connector: CloudConnector;
  let drivers: CloudDrivers;
  let port: OctaviaLoadBalancerPort;

  beforeAll(() => {
    connector = simulatorConnector(cloud);
    drivers = connector.forRegion('RegionOne');
    port = new OctaviaLoadBalancerPort(drivers);
  });
  afterAll(() => connector?.close());
  beforeEach(() => cloud.admin.reset());

  const options = () => ({
    signal: new AbortController().signal,
    deadline: new Date(Date.now() + 30_000),
    timeoutS: 30,
  });

  async function balancer(): Promise<LbResources> {
    return port.create(
      {
        name: 'web',
        clusterId: 'c',
        policyId: 'p',
        vip: {
          subnet: 'private-subnet',
          connection_limit: -1,
          protocol: 'HTTP',
          protocol_port: 80,
          admin_state_up: true,
        },
        pool: {
          protocol: 'HTTP',
          protocol_port: 80,
          subnet: 'private-subnet',
          lb_method: 'ROUND_ROBIN',
          admin_state_up: true,
          session_persistence: {},
        },
        healthMonitor: null,
        availabilityZone: null,
        flavorId: null,
      },
      options(),
    );
  }

  async function server(name: string) {
    const { id } = await drivers.compute.createServer({
      name,
      flavorRef: '1',
      imageRef: '55941991-9c07-4db1-8c59-1c7bb6d36aeb',
      metadata: {},
      networks: [{ uuid: (await drivers.network.findNetwork('private'))!.id }],
    });
    await drivers.compute.waitForServer(id, ['ACTIVE'], drivers.wait(10_000));
    return { name, physicalId: id };
  }

  it('adds a node at its address, and a second add of it (an action run again) finds the member it made', async () => {
    await cloud.admin.setConfig({ action_time_ms: 30 });
    const res = await balancer();
    const node = await server('web-1');
    const first = await port.addMember(res, node, { protocolPort: 80, subnet: 'private-subnet' }, options());
    const again = await port.addMember(res, node, { protocolPort: 80, subnet: 'private-subnet' }, options());
    expect(again).toBe(first);
    const members = (await drivers.lbaas.listMembers(res.pool)) ?? [];
    expect(members.map((m) => m.id)).toEqual([first]);
    expect((await drivers.lbaas.getLoadBalancer(res.loadbalancer))?.provisioningStatus).toBe('ACTIVE');
  });

  it('waits out a load balancer busy with another change before adding', async () => {
    await cloud.admin.setConfig({ action_time_ms: 200 });
    const res = await balancer();
    const [a, b] = [await server('web-1'), await server('web-2')];
    const ids = await Promise.all(
      [a, b].map((n) => port.addMember(res, n, { protocolPort: 80, subnet: 'private-subnet' }, options())),
    );
    expect(new Set(ids).size).toBe(2);
    expect(((await drivers.lbaas.listMembers(res.pool)) ?? []).map((m) => m.id).sort()).toEqual([...ids].sort());
  });
});
