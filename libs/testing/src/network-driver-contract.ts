import type { CloudConnector, NetworkDriver } from '@grove/drivers';

/** A Neutron to run the contract against. */
export interface NetworkUnderTest {
  /** Signed in to a project that may use the networks; the contract closes it. */
  connector: CloudConnector;
  region: string;
  /** A network the project can make ports on, one of its subnets, and an external network. */
  network: string;
  subnet: string;
  externalNetwork: string;
}

/**
 * Grove's Neutron driver as a contract, run against the simulator (int tests) and Debian's Neutron
 * (test/clouds): networks, subnets and security groups found by name and by id; a tagged port
 * created, found, listed by its tags, given security groups and deleted; a floating IP made for
 * it, found by address and by port, unbound and deleted.
 */
export function describeNetworkDriver(name: string, neutron: () => NetworkUnderTest): void {
  describe(`the Neutron driver (${name})`, () => {
    let u: NetworkUnderTest;
    let d: NetworkDriver;
    const run = crypto.randomUUID().slice(0, 8);
    const ports: string[] = [];
    const fips: string[] = [];

    beforeAll(() => {
      u = neutron();
      d = u.connector.forRegion(u.region).network;
    });
    afterAll(async () => {
      for (const id of fips) await d.deleteFloatingIp(id).catch(() => undefined);
      for (const id of ports) await d.deletePort(id).catch(() => undefined);
      await u?.connector.close();
    });

    it('finds networks and subnets by name and by id, and nothing for unknown ones', async () => {
      const net = await d.findNetwork(u.network);
      expect(net).toMatchObject({ name: u.network, external: false });
      expect(await d.findNetwork(net!.id)).toEqual(net);
      const subnet = await d.findSubnet(u.subnet);
      expect(subnet).toMatchObject({ name: u.subnet, networkId: net!.id, ipVersion: 4 });
      expect(subnet!.cidr).toMatch(/^\d+\.\d+\.\d+\.\d+\/\d+$/);
      expect(net!.subnets).toContain(subnet!.id);
      expect(await d.findSubnet(subnet!.id)).toEqual(subnet);
      const ext = await d.findNetwork(u.externalNetwork);
      expect(ext).toMatchObject({ name: u.externalNetwork, external: true });
      expect(await d.findNetwork(`grove-no-such-net-${run}`)).toBeNull();
      expect(await d.findNetwork(crypto.randomUUID())).toBeNull();
      expect(await d.findSubnet(`grove-no-such-subnet-${run}`)).toBeNull();
    }, 30_000);

    it("finds the project's default security group by name and by id", async () => {
      const g = await d.findSecurityGroup('default');
      expect(g).toMatchObject({ name: 'default' });
      expect(await d.findSecurityGroup(g!.id)).toEqual(g);
      expect(await d.findSecurityGroup(`grove-no-such-group-${run}`)).toBeNull();
    }, 30_000);

    it('creates a tagged port, finds it by id and by its tags, sets its security groups and deletes it', async () => {
      const net = (await d.findNetwork(u.network))!;
      const subnet = (await d.findSubnet(u.subnet))!;
      const group = (await d.findSecurityGroup('default'))!;
      const tags = [`grove-run=${run}`, 'grove-case=port'];
      const p = await d.createPort({ networkId: net.id, name: `grove-contract-${run}`, tags });
      ports.push(p.id);
      expect(p).toMatchObject({ networkId: net.id, deviceId: '' });
      expect(p.macAddress).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
      expect(p.fixedIps).toHaveLength(1);
      expect(p.fixedIps[0].subnetId).toBe(subnet.id);
      expect(await d.getPort(p.id)).toEqual(p);
      expect((await d.listPorts({ tags })).map((x) => x.id)).toEqual([p.id]);
      expect((await d.listPorts({ tags: [tags[0]] })).map((x) => x.id)).toEqual([p.id]);
      expect(await d.listPorts({ tags: [...tags, 'grove-case=other'] })).toEqual([]);
      await d.setPortSecurityGroups(p.id, []);
      await d.setPortSecurityGroups(p.id, [group.id]);
      await d.deletePort(p.id);
      expect(await d.getPort(p.id)).toBeNull();
      await d.deletePort(p.id);
    }, 60_000);

    it('makes a floating IP for a port, finds it by address and by port, unbinds and deletes it', async () => {
      const net = (await d.findNetwork(u.network))!;
      const ext = (await d.findNetwork(u.externalNetwork))!;
      const p = await d.createPort({ networkId: net.id, tags: [`grove-run=${run}`, 'grove-case=fip'] });
      ports.push(p.id);
      const fip = await d.createFloatingIp({ networkId: ext.id, portId: p.id, description: `grove-run=${run}` });
      fips.push(fip.id);
      expect(fip).toMatchObject({ portId: p.id, description: `grove-run=${run}` });
      expect(fip.address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(await d.findFloatingIp(fip.address)).toEqual(fip);
      expect(await d.portFloatingIps(p.id)).toEqual([fip]);
      await d.updateFloatingIp(fip.id, null);
      expect(await d.findFloatingIp(fip.address)).toMatchObject({ id: fip.id, portId: null });
      expect(await d.portFloatingIps(p.id)).toEqual([]);
      await d.deleteFloatingIp(fip.id);
      expect(await d.findFloatingIp(fip.address)).toBeNull();
      await d.deleteFloatingIp(fip.id);
      await d.deletePort(p.id);
    }, 60_000);
  });
}
