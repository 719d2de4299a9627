import type { CloudConnector, CloudDrivers, Server } from '@grove/drivers';

/** A Nova (with the Glance and Neutron it boots from) to run the contract against. */
export interface ComputeUnderTest {
  /** Signed in to the project the servers are made in; the contract closes it. */
  connector: CloudConnector;
  region: string;
  /** An image's name, and a network's servers can be booted on. */
  image: string;
  network: string;
  /** A flavor to boot with, by name and id, and a bigger one to resize to. */
  flavor: { name: string; id: string };
  resizeFlavor: string;
  /** How long one server change may take. */
  waitMs: number;
}

/**
 * Grove's Nova driver as a contract, run against the simulator (int tests) and Nova with its fake
 * virt driver (test/clouds): servers created, found by id and by exact name, given metadata,
 * rebooted, rebuilt, resized (and the resize confirmed), deleted; flavors found by name and id.
 */
export function describeComputeDriver(name: string, nova: () => ComputeUnderTest): void {
  describe(`the Nova driver (${name})`, () => {
    let u: ComputeUnderTest;
    let d: CloudDrivers;
    const run = crypto.randomUUID().slice(0, 8);
    const made: string[] = [];
    const wait = () => d.wait(u.waitMs);

    beforeAll(() => {
      u = nova();
      d = u.connector.forRegion(u.region);
    });
    afterAll(async () => {
      for (const id of made) await d.compute.deleteServer(id).catch(() => undefined);
      await u?.connector.close();
    });

    /** A server of this run, booted and ACTIVE. */
    const boot = async (suffix: string, metadata: Record<string, string> = {}): Promise<Server> => {
      const image = (await d.image.findImage(u.image))!;
      const network = (await d.network.findNetwork(u.network))!;
      const { id } = await d.compute.createServer({
        name: `grove-contract-${run}-${suffix}`,
        flavorRef: u.flavor.id,
        imageRef: image.id,
        networks: [{ uuid: network.id }],
        metadata: { 'grove.test.run': run, ...metadata },
      });
      made.push(id);
      return d.compute.waitForServer(id, ['ACTIVE'], wait());
    };

    it('finds flavors by name and by id, and nothing for an unknown one', async () => {
      const byName = await d.compute.findFlavor(u.flavor.name);
      expect(byName).toMatchObject({ id: u.flavor.id, name: u.flavor.name });
      expect(byName!.vcpus).toBeGreaterThan(0);
      expect(byName!.ram).toBeGreaterThan(0);
      expect(await d.compute.findFlavor(u.flavor.id)).toEqual(byName);
      expect(await d.compute.findFlavor(`grove-no-such-flavor-${run}`)).toBeNull();
    }, 30_000);

    it('creates a server on the network, gets it and lists it by its exact name', async () => {
      const s = await boot('made', { role: 'web' });
      const image = (await d.image.findImage(u.image))!;
      expect(s).toMatchObject({
        name: `grove-contract-${run}-made`,
        status: 'ACTIVE',
        flavorId: u.flavor.id,
        imageId: image.id,
        metadata: { 'grove.test.run': run, role: 'web' },
        fault: null,
      });
      const fixed = s.addresses[u.network];
      expect(fixed?.length).toBeGreaterThan(0);
      expect(fixed[0]).toMatchObject({ version: 4, type: 'fixed' });
      expect(fixed[0].mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
      expect((await d.compute.getServer(s.id))?.id).toBe(s.id);
      const listed = await d.compute.listServers({ name: s.name });
      expect(listed.map((x) => x.id)).toEqual([s.id]);
      // The name is matched whole: not as a prefix, and its dots are no wildcards.
      expect(await d.compute.listServers({ name: `grove-contract-${run}-mad` })).toEqual([]);
      expect(await d.compute.listServers({ name: `grove-contract-${run}.made` })).toEqual([]);
      const ports = await d.compute.listInterfaces(s.id);
      expect(ports).toHaveLength(1);
      expect(ports[0].fixedIps[0].ipAddress).toBe(fixed[0].addr);
      expect(ports[0].macAddr).toBe(fixed[0].mac);
    }, 120_000);

    it('merges metadata keys, deletes one, and deleting a missing key is no error', async () => {
      const s = await boot('meta', { keep: 'yes' });
      await d.compute.setServerMetadata(s.id, { added: '1', keep: 'still' });
      expect((await d.compute.getServer(s.id))!.metadata).toEqual({
        'grove.test.run': run,
        keep: 'still',
        added: '1',
      });
      await d.compute.deleteServerMetadata(s.id, 'added');
      await d.compute.deleteServerMetadata(s.id, 'never-set');
      expect((await d.compute.getServer(s.id))!.metadata).toEqual({ 'grove.test.run': run, keep: 'still' });
    }, 120_000);

    it('reboots, renames and rebuilds a server', async () => {
      const s = await boot('life');
      await d.compute.serverAction(s.id, 'reboot', { type: 'SOFT' });
      await d.compute.waitForServer(s.id, ['ACTIVE'], wait());
      await d.compute.renameServer(s.id, `grove-contract-${run}-renamed`);
      expect((await d.compute.getServer(s.id))!.name).toBe(`grove-contract-${run}-renamed`);
      const image = (await d.image.findImage(u.image))!;
      await d.compute.serverAction(s.id, 'rebuild', { imageRef: image.id, name: `grove-contract-${run}-rebuilt` });
      const rebuilt = await waitPast(s.id, 'REBUILD');
      expect(rebuilt).toMatchObject({ status: 'ACTIVE', name: `grove-contract-${run}-rebuilt`, imageId: image.id });
    }, 180_000);

    it('resizes a server to another flavor and confirms the resize', async () => {
      const s = await boot('resize');
      const bigger = (await d.compute.findFlavor(u.resizeFlavor))!;
      await d.compute.serverAction(s.id, 'resize', { flavorRef: bigger.id });
      const verifying = await d.compute.waitForServer(s.id, ['VERIFY_RESIZE'], wait());
      expect(verifying.flavorId).toBe(bigger.id);
      await d.compute.serverAction(s.id, 'confirmResize', null);
      const done = await waitPast(s.id, 'VERIFY_RESIZE');
      expect(done).toMatchObject({ status: 'ACTIVE', flavorId: bigger.id });
    }, 180_000);

    it('plugs a port into a server and a new one on a network, and unplugs them', async () => {
      const s = await boot('ports');
      const network = (await d.network.findNetwork(u.network))!;
      const port = await d.network.createPort({ networkId: network.id, tags: [`grove-run=${run}`] });
      try {
        const byPort = await d.compute.attachInterface(s.id, { portId: port.id });
        expect(byPort).toMatchObject({ portId: port.id, netId: network.id, macAddr: port.macAddress });
        expect(byPort.fixedIps).toEqual(port.fixedIps);
        const byNet = await d.compute.attachInterface(s.id, { netId: network.id });
        expect(byNet.netId).toBe(network.id);
        expect(byNet.fixedIps).toHaveLength(1);
        const plugged = async () => (await d.compute.listInterfaces(s.id)).map((i) => i.portId).sort();
        expect(await plugged()).toEqual(expect.arrayContaining([port.id, byNet.portId]));
        expect(await plugged()).toHaveLength(3);
        await d.compute.detachInterface(s.id, port.id);
        await d.compute.detachInterface(s.id, byNet.portId);
        // Nova unplugs asynchronously.
        const deadline = Date.now() + u.waitMs;
        while ((await plugged()).length > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
        expect(await plugged()).toHaveLength(1);
        // The port Nova made on the network goes with it; the one given to it stays, unplugged.
        expect((await d.network.getPort(port.id))?.deviceId).toBe('');
        await d.compute.detachInterface(s.id, port.id);
      } finally {
        await d.network.deletePort(port.id);
      }
    }, 120_000);

    it('creates, gets, finds by name and deletes a server group, and boots a member into it', async () => {
      const g = await d.compute.createServerGroup(`grove-contract-${run}-group`, 'affinity');
      try {
        expect(g).toMatchObject({ name: `grove-contract-${run}-group`, policy: 'affinity', members: [] });
        expect(g.projectId).toMatch(/^[0-9a-f]{32}$/);
        expect(await d.compute.getServerGroup(g.id)).toEqual(g);
        expect(await d.compute.findServerGroupByName(g.name)).toEqual(g);
        const image = (await d.image.findImage(u.image))!;
        const network = (await d.network.findNetwork(u.network))!;
        const { id } = await d.compute.createServer({
          name: `grove-contract-${run}-member`,
          flavorRef: u.flavor.id,
          imageRef: image.id,
          networks: [{ uuid: network.id }],
          metadata: { 'grove.test.run': run },
          schedulerHints: { group: g.id },
        });
        made.push(id);
        await d.compute.waitForServer(id, ['ACTIVE'], wait());
        expect((await d.compute.getServerGroup(g.id))!.members).toEqual([id]);
      } finally {
        await d.compute.deleteServerGroup(g.id);
      }
      expect(await d.compute.getServerGroup(g.id)).toBeNull();
      expect(await d.compute.findServerGroupByName(g.name)).toBeNull();
      await d.compute.deleteServerGroup(g.id);
    }, 120_000);

    it('lists the availability zones, and finds no keypair it does not have', async () => {
      expect(await d.compute.availabilityZones()).toContain('nova');
      expect(await d.compute.findKeypair(`grove-no-such-key-${run}`)).toBeNull();
    }, 30_000);

    it('deletes a server until it is gone, and a second delete is no error', async () => {
      const s = await boot('gone');
      await d.compute.deleteServer(s.id);
      await d.compute.waitForServerGone(s.id, wait());
      expect(await d.compute.getServer(s.id)).toBeNull();
      expect(await d.compute.listServers({ name: s.name })).toEqual([]);
      await d.compute.deleteServer(s.id);
    }, 120_000);

    /** Waits for ACTIVE once the server has left `transient` (an action's status shows a moment late). */
    async function waitPast(id: string, transient: string): Promise<Server> {
      const deadline = Date.now() + u.waitMs;
      for (;;) {
        const s = await d.compute.waitForServer(id, ['ACTIVE', transient], wait());
        if (s.status === 'ACTIVE' && s.raw['OS-EXT-STS:task_state'] == null) return s;
        if (Date.now() > deadline) throw new Error(`server ${id} still ${s.status}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  });
}
