import { useSimulator } from '../testing/simulator-fixture';

const NOVA = '/RegionOne/compute/v2.1';
const CIRROS = '55941991-9c07-4db1-8c59-1c7bb6d36aeb';
const PRIVATE = '600d63e7-bdd1-4b1d-a992-55ebb8880ca9';
const PUBLIC = 'b698f30b-5a76-4924-8a46-2a1dc2855ae2';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Nova v2.1', () => {
  const f = useSimulator();

  beforeEach(() => f.sim.admin.reset());

  const create = (server: Record<string, unknown>, token?: string) =>
    f.call('POST', `${NOVA}/servers`, {
      token,
      body: { server: { name: 'vm', flavorRef: '1', imageRef: CIRROS, ...server } },
    });
  const show = (id: string) => f.call('GET', `${NOVA}/servers/${id}`);
  const action = (id: string, body: unknown) => f.call('POST', `${NOVA}/servers/${id}/action`, { body });

  async function activeServer(server: Record<string, unknown> = {}): Promise<string> {
    const res = await create(server);
    expect(res.status).toBe(202);
    const id = res.body.server.id as string;
    expect((await show(id)).body.server.status).toBe('ACTIVE');
    return id;
  }

  it('creates a server that is BUILD, then ACTIVE once the build time has passed', async () => {
    f.sim.admin.updateConfig({ build_time_ms: 300 });
    const res = await create({ name: 'web-1', metadata: { cluster_id: 'c1', role: 'web' } });
    expect(res.status).toBe(202);
    const { id, links, adminPass } = res.body.server;
    expect(res.headers.get('location')).toBe(`${f.sim.url}${NOVA}/servers/${id}`);
    expect(links[0]).toEqual({ rel: 'self', href: `${f.sim.url}${NOVA}/servers/${id}` });
    expect(res.body.server['OS-DCF:diskConfig']).toBe('MANUAL');
    expect(res.body.server.security_groups).toEqual([{ name: 'default' }]);
    expect(adminPass).toMatch(/^\S{12}$/);

    const building = (await show(id)).body.server;
    expect(building).toMatchObject({
      status: 'BUILD',
      'OS-EXT-STS:vm_state': 'building',
      'OS-EXT-STS:task_state': 'spawning',
      'OS-EXT-STS:power_state': 0,
    });
    await sleep(350);
    const s = (await show(id)).body.server;
    expect(s).toMatchObject({
      id,
      name: 'web-1',
      status: 'ACTIVE',
      tenant_id: f.projectId,
      metadata: { cluster_id: 'c1', role: 'web' },
      flavor: { id: '1' },
      image: { id: CIRROS },
      key_name: null,
      config_drive: '',
      accessIPv4: '',
      progress: 0,
      'OS-EXT-STS:vm_state': 'active',
      'OS-EXT-STS:task_state': null,
      'OS-EXT-STS:power_state': 1,
      security_groups: [{ name: 'default' }],
    });
    expect(['nova', 'az1', 'az2']).toContain(s['OS-EXT-AZ:availability_zone']);
    expect(s['OS-EXT-SRV-ATTR:host']).toMatch(/^regionone-/);
    expect(s.hostId).toMatch(/^[0-9a-f]{56}$/);
    expect(s['OS-SRV-USG:launched_at']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    const [addr] = s.addresses.private;
    expect(addr).toMatchObject({ version: 4, 'OS-EXT-IPS:type': 'fixed' });
    expect(addr.addr).toMatch(/^127\.10\./);
    expect(addr['OS-EXT-IPS-MAC:mac_addr']).toMatch(/^fa:16:3e(:[0-9a-f]{2}){3}$/);
    expect(Date.parse(s.updated)).toBeGreaterThanOrEqual(Date.parse(s.created));
  });

  it('is ACTIVE on the first read with the default build time of 0', async () => {
    await activeServer();
  });

  it('takes metadata.simulated_wait_time seconds to build and to delete', async () => {
    const res = await create({ metadata: { simulated_wait_time: '0.3' } });
    const id = res.body.server.id;
    expect((await show(id)).body.server.status).toBe('BUILD');
    await sleep(350);
    expect((await show(id)).body.server.status).toBe('ACTIVE');
    expect((await f.call('DELETE', `${NOVA}/servers/${id}`)).status).toBe(204);
    const deleting = (await show(id)).body.server;
    expect(deleting).toMatchObject({ status: 'ACTIVE', 'OS-EXT-STS:task_state': 'deleting' });
    await sleep(350);
    const gone = await show(id);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ itemNotFound: { code: 404, message: `Instance ${id} could not be found.` } });
  });

  it('ends a build in ERROR with a fault when build_failure_rate says so, and gives the addresses back', async () => {
    f.sim.admin.updateConfig({ build_failure_rate: 1 });
    const id = (await create({})).body.server.id;
    const s = (await show(id)).body.server;
    expect(s.status).toBe('ERROR');
    expect(s.fault).toMatchObject({ code: 500, message: expect.stringContaining('simulated build failure') });
    expect(s.addresses).toEqual({});
  });

  it.each([
    [
      'an unknown flavor',
      { flavorRef: '99' },
      400,
      { badRequest: { code: 400, message: 'Flavor 99 could not be found.' } },
    ],
    [
      'a flavor URL',
      { flavorRef: 'http://x/flavors/77' },
      400,
      { badRequest: { code: 400, message: 'Flavor 77 could not be found.' } },
    ],
    [
      'an unknown image',
      { imageRef: '00000000-0000-4000-8000-000000000000' },
      400,
      { badRequest: { code: 400, message: 'Can not find requested image' } },
    ],
    [
      'a malformed image ref',
      { imageRef: 'cirros' },
      400,
      { badRequest: { code: 400, message: 'Invalid imageRef provided.' } },
    ],
    [
      'no image and no volume',
      { imageRef: undefined },
      400,
      { badRequest: { code: 400, message: 'Missing imageRef attribute' } },
    ],
    [
      'an unknown network',
      { networks: [{ uuid: '00000000-0000-4000-8000-000000000001' }] },
      400,
      { badRequest: { code: 400, message: 'Network 00000000-0000-4000-8000-000000000001 could not be found.' } },
    ],
    [
      'a malformed network id',
      { networks: [{ uuid: 'private' }] },
      400,
      { badRequest: { code: 400, message: 'Bad networks format: network uuid is not in proper format (private)' } },
    ],
    [
      'an unknown port',
      { networks: [{ port: '00000000-0000-4000-8000-000000000002' }] },
      400,
      { badRequest: { code: 400, message: 'Port id 00000000-0000-4000-8000-000000000002 could not be found.' } },
    ],
    [
      'an unknown key',
      { key_name: 'nokey' },
      400,
      { badRequest: { code: 400, message: 'Invalid key_name provided.' } },
    ],
    [
      'an unknown zone',
      { availability_zone: 'az9' },
      400,
      { badRequest: { code: 400, message: 'The requested availability zone is not available' } },
    ],
  ])('refuses %s with Nova’s error', async (_what, server, status, body) => {
    const res = await create(server);
    expect(res.status).toBe(status);
    expect(res.body).toEqual(body);
  });

  it('checks metadata as Nova does: string values up to 255 characters, at most 128 items', async () => {
    const long = await create({ metadata: { k: 'x'.repeat(256) } });
    expect(long.status).toBe(400);
    expect(long.body.badRequest.message).toMatch(/^Invalid input for field\/attribute k\./);
    const nonString = await create({ metadata: { n: 1 } });
    expect(nonString.status).toBe(400);
    const many = await create({ metadata: Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`k${i}`, 'v'])) });
    expect(many.status).toBe(403);
    expect(many.body).toEqual({ forbidden: { code: 403, message: 'Maximum number of metadata items exceeds 128' } });
    expect(
      (
        await create({
          metadata: Object.fromEntries(Array.from({ length: 128 }, (_, i) => [`k${i}`, 'v'.repeat(255)])),
        })
      ).status,
    ).toBe(202);
  });

  it('needs a name and a flavorRef', async () => {
    const res = await f.call('POST', `${NOVA}/servers`, { body: { server: { imageRef: CIRROS, flavorRef: '1' } } });
    expect(res.status).toBe(400);
    expect(res.body.badRequest.message).toContain("'name' is a required property");
  });

  it('attaches a given port (detaching it on delete) and a fixed IP on a network', async () => {
    const port = (
      await f.call('POST', '/RegionOne/network/v2.0/ports', { body: { port: { network_id: PRIVATE, name: 'mine' } } })
    ).body.port;
    const id = await activeServer({ networks: [{ port: port.id }, { uuid: PRIVATE, fixed_ip: '127.10.99.9' }] });
    const s = (await show(id)).body.server;
    expect(s.addresses.private.map((a: { addr: string }) => a.addr)).toEqual([
      port.fixed_ips[0].ip_address,
      '127.10.99.9',
    ]);
    const attached = (await f.call('GET', `/RegionOne/network/v2.0/ports/${port.id}`)).body.port;
    expect(attached).toMatchObject({
      device_id: id,
      device_owner: expect.stringMatching(/^compute:/),
      status: 'ACTIVE',
    });

    const again = await create({ networks: [{ port: port.id }] });
    expect(again.status).toBe(409);
    expect(again.body.conflictingRequest.message).toBe(`Port ${port.id} is still in use.`);
    const taken = await create({ networks: [{ uuid: PRIVATE, fixed_ip: '127.10.99.9' }] });
    expect(taken.status).toBe(400);
    expect(taken.body.badRequest.message).toBe(`Fixed IP address 127.10.99.9 is already in use on instance ${id}.`);

    await f.call('DELETE', `${NOVA}/servers/${id}`);
    expect((await show(id)).status).toBe(404);
    const kept = (await f.call('GET', `/RegionOne/network/v2.0/ports/${port.id}`)).body.port;
    expect(kept).toMatchObject({ device_id: '', device_owner: '', status: 'DOWN' });
    const own = await f.call('GET', `/RegionOne/network/v2.0/ports?device_id=${id}`);
    expect(own.body.ports).toEqual([]);
  });

  it('takes networks "none" and "auto" as later microversions do', async () => {
    expect((await show(await activeServer({ networks: 'none' }))).body.server.addresses).toEqual({});
    expect(Object.keys((await show(await activeServer({ networks: 'auto' }))).body.server.addresses)).toEqual([
      'private',
    ]);
  });

  it('refuses an external network to a non-admin', async () => {
    const demo = await f.login({ user: 'demo', project: 'demo' });
    const res = await create({ networks: [{ uuid: PUBLIC }] }, demo.token);
    expect(res.status).toBe(403);
  });

  it('lists servers newest first with Nova’s filters and paging', async () => {
    const ids: string[] = [];
    for (const name of ['alpha-1', 'alpha-2', 'beta-1']) ids.push(await activeServer({ name }));
    const all = await f.call('GET', `${NOVA}/servers`);
    expect(all.body.servers.map((s: { name: string }) => s.name)).toEqual(['beta-1', 'alpha-2', 'alpha-1']);
    expect(all.body.servers[0]).toEqual({ id: ids[2], name: 'beta-1', links: expect.any(Array) });
    const regex = await f.call('GET', `${NOVA}/servers/detail?name=^alpha`);
    expect(regex.body.servers.map((s: { name: string }) => s.name)).toEqual(['alpha-2', 'alpha-1']);
    expect(regex.body.servers[0].status).toBe('ACTIVE');
    const page1 = await f.call('GET', `${NOVA}/servers/detail?limit=2`);
    expect(page1.body.servers).toHaveLength(2);
    expect(page1.body.servers_links[0].href).toContain(`marker=${ids[1]}`);
    const page2 = await f.call('GET', `${NOVA}/servers/detail?limit=2&marker=${ids[1]}`);
    expect(page2.body.servers.map((s: { id: string }) => s.id)).toEqual([ids[0]]);
    expect(page2.body.servers_links).toBeUndefined();
    await action(ids[0], { 'os-stop': null });
    const stopped = await f.call('GET', `${NOVA}/servers/detail?status=SHUTOFF`);
    expect(stopped.body.servers.map((s: { id: string }) => s.id)).toEqual([ids[0]]);
    expect((await f.call('GET', `${NOVA}/servers?marker=nope`)).status).toBe(400);
  });

  it('keeps projects apart, and shows all to an admin asking for all_tenants', async () => {
    const demo = await f.login({ user: 'demo', project: 'demo' });
    const mine = (await create({ name: 'demo-vm' }, demo.token)).body.server.id;
    await activeServer({ name: 'admin-vm' });
    const seen = await f.call('GET', `${NOVA}/servers`, { token: demo.token });
    expect(seen.body.servers.map((s: { id: string }) => s.id)).toEqual([mine]);
    const adminView = await f.call('GET', `${NOVA}/servers`);
    expect(adminView.body.servers.map((s: { name: string }) => s.name)).toEqual(['admin-vm']);
    const everything = await f.call('GET', `${NOVA}/servers?all_tenants=1`);
    expect(everything.body.servers).toHaveLength(2);
    const adminServer = adminView.body.servers[0].id;
    expect((await f.call('GET', `${NOVA}/servers/${adminServer}`, { token: demo.token })).status).toBe(404);
    expect((await f.call('GET', '/RegionTwo/compute/v2.1/servers')).body.servers).toEqual([]);
  });

  it('renames a server', async () => {
    const id = await activeServer();
    const res = await f.call('PUT', `${NOVA}/servers/${id}`, { body: { server: { name: 'renamed' } } });
    expect(res.status).toBe(200);
    expect(res.body.server.name).toBe('renamed');
  });

  it('passes through transitional states for action_time_ms', async () => {
    f.sim.admin.updateConfig({ action_time_ms: 200 });
    const id = await activeServer();
    expect((await action(id, { reboot: { type: 'SOFT' } })).status).toBe(202);
    expect((await show(id)).body.server).toMatchObject({ status: 'REBOOT', 'OS-EXT-STS:task_state': 'rebooting' });
    const busy = await action(id, { 'os-stop': null });
    expect(busy.status).toBe(409);
    expect(busy.body).toEqual({
      conflictingRequest: { code: 409, message: `Cannot 'stop' instance ${id} while it is in task_state rebooting` },
    });
    await sleep(250);
    expect((await show(id)).body.server.status).toBe('ACTIVE');

    expect((await action(id, { resize: { flavorRef: '2' } })).status).toBe(202);
    expect((await show(id)).body.server.status).toBe('RESIZE');
    await sleep(250);
    const resized = (await show(id)).body.server;
    expect(resized).toMatchObject({ status: 'VERIFY_RESIZE', flavor: { id: '2' } });
    expect((await action(id, { confirmResize: null })).status).toBe(204);
    expect((await show(id)).body.server).toMatchObject({ status: 'VERIFY_RESIZE', 'OS-EXT-STS:task_state': null });
    expect((await action(id, { confirmResize: null })).body.badRequest.message).toBe('Instance has not been resized.');
    await sleep(250);
    expect((await show(id)).body.server.status).toBe('ACTIVE');
  });

  it('runs the lifecycle actions and answers 409 when the state forbids one', async () => {
    const id = await activeServer();
    const step = async (body: unknown, status: number, expected: string) => {
      const res = await action(id, body);
      expect(res.status).toBe(status);
      expect((await show(id)).body.server.status).toBe(expected);
      return res;
    };
    await step({ 'os-stop': null }, 202, 'SHUTOFF');
    const startAgain = await action(id, { 'os-stop': null });
    expect(startAgain.status).toBe(409);
    expect(startAgain.body.conflictingRequest.message).toBe(
      `Cannot 'stop' instance ${id} while it is in vm_state stopped`,
    );
    expect((await action(id, { reboot: { type: 'SOFT' } })).status).toBe(409);
    await step({ reboot: { type: 'HARD' } }, 202, 'ACTIVE');
    await step({ pause: null }, 202, 'PAUSED');
    expect((await action(id, { suspend: null })).status).toBe(409);
    await step({ unpause: null }, 202, 'ACTIVE');
    await step({ suspend: null }, 202, 'SUSPENDED');
    await step({ resume: null }, 202, 'ACTIVE');
    const rescue = await step({ rescue: null }, 200, 'RESCUE');
    expect(rescue.body.adminPass).toEqual(expect.any(String));
    await step({ unrescue: null }, 202, 'ACTIVE');
    const rebuilt = await step(
      { rebuild: { imageRef: '077f57b0-6c0e-43a3-85fd-2e0fca8230c7', name: 'rebuilt' } },
      202,
      'ACTIVE',
    );
    expect(rebuilt.body.server).toMatchObject({
      id,
      name: 'rebuilt',
      image: { id: '077f57b0-6c0e-43a3-85fd-2e0fca8230c7' },
      adminPass: expect.any(String),
    });
    await step({ resize: { flavorRef: '3' } }, 202, 'VERIFY_RESIZE');
    await step({ revertResize: null }, 202, 'ACTIVE');
    expect((await show(id)).body.server.flavor.id).toBe('1');
    expect((await action(id, { confirmResize: null })).status).toBe(409);
    expect((await action(id, { resize: { flavorRef: '1' } })).body.badRequest.message).toBe(
      'When resizing, instances must change flavor!',
    );
    await step({ changePassword: { adminPass: 'n3w' } }, 202, 'ACTIVE');
    expect((await action(id, { frobnicate: null })).status).toBe(400);
    expect((await action(id, { reboot: {} })).status).toBe(400);
  });

  it('locks a server against a non-admin, and force-deletes it', async () => {
    const demo = await f.login({ user: 'demo', project: 'demo' });
    const id = (await create({}, demo.token)).body.server.id;
    await f.call('GET', `${NOVA}/servers/${id}`, { token: demo.token });
    expect(
      (await f.call('POST', `${NOVA}/servers/${id}/action`, { token: demo.token, body: { lock: null } })).status,
    ).toBe(202);
    const refused = await f.call('POST', `${NOVA}/servers/${id}/action`, {
      token: demo.token,
      body: { 'os-stop': null },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.conflictingRequest.message).toBe(`Instance ${id} is locked`);
    expect((await f.call('DELETE', `${NOVA}/servers/${id}`, { token: demo.token })).status).toBe(409);
    await f.call('POST', `${NOVA}/servers/${id}/action`, { token: demo.token, body: { unlock: null } });
    expect(
      (await f.call('POST', `${NOVA}/servers/${id}/action`, { token: demo.token, body: { forceDelete: null } })).status,
    ).toBe(202);
    expect((await f.call('GET', `${NOVA}/servers/${id}`, { token: demo.token })).status).toBe(404);
  });

  it('evacuates only from a hypervisor that is down', async () => {
    const id = await activeServer();
    const host = (await show(id)).body.server['OS-EXT-SRV-ATTR:host'];
    const refused = await action(id, { evacuate: {} });
    expect(refused.status).toBe(400);
    expect(refused.body.badRequest.message).toBe(`Compute service of ${host} is still in use.`);
    f.sim.admin.setHypervisor(host, { state: 'down' });
    const moved = await action(id, { evacuate: {} });
    expect(moved.status).toBe(200);
    const s = (await show(id)).body.server;
    expect(s.status).toBe('ACTIVE');
    expect(s['OS-EXT-SRV-ATTR:host']).not.toBe(host);
  });

  it('gets, replaces, merges and deletes server metadata', async () => {
    const id = await activeServer({ metadata: { a: '1' } });
    const base = `${NOVA}/servers/${id}/metadata`;
    expect((await f.call('GET', base)).body).toEqual({ metadata: { a: '1' } });
    expect((await f.call('POST', base, { body: { metadata: { b: '2' } } })).body).toEqual({
      metadata: { a: '1', b: '2' },
    });
    expect((await f.call('PUT', base, { body: { metadata: { c: '3' } } })).body).toEqual({ metadata: { c: '3' } });
    expect((await f.call('PUT', `${base}/d`, { body: { meta: { d: '4' } } })).body).toEqual({ meta: { d: '4' } });
    expect((await f.call('GET', `${base}/d`)).body).toEqual({ meta: { d: '4' } });
    expect((await f.call('PUT', `${base}/e`, { body: { meta: { d: '4' } } })).body.badRequest.message).toBe(
      'Request body and URI mismatch',
    );
    expect((await f.call('DELETE', `${base}/d`)).status).toBe(204);
    expect((await f.call('GET', `${base}/d`)).status).toBe(404);
    expect((await f.call('DELETE', `${base}/d`)).body).toEqual({
      itemNotFound: { code: 404, message: 'Metadata item was not found' },
    });
    f.sim.admin.updateConfig({ build_time_ms: 10_000 });
    const building = (await create({})).body.server.id;
    const early = await f.call('POST', `${NOVA}/servers/${building}/metadata`, { body: { metadata: { x: '1' } } });
    expect(early.status).toBe(409);
    expect(early.body.conflictingRequest.message).toBe(
      `Cannot 'update metadata' instance ${building} while it is in vm_state building`,
    );
  });

  it('plugs and unplugs interfaces', async () => {
    const id = await activeServer();
    const base = `${NOVA}/servers/${id}/os-interface`;
    expect((await f.call('GET', base)).body.interfaceAttachments).toHaveLength(1);
    const added = await f.call('POST', base, {
      body: { interfaceAttachment: { net_id: PRIVATE, fixed_ips: [{ ip_address: '127.10.50.5' }] } },
    });
    expect(added.status).toBe(200);
    expect(added.body.interfaceAttachment).toMatchObject({
      net_id: PRIVATE,
      port_state: 'ACTIVE',
      fixed_ips: [{ ip_address: '127.10.50.5' }],
    });
    const portId = added.body.interfaceAttachment.port_id;
    expect((await show(id)).body.server.addresses.private).toHaveLength(2);
    expect((await f.call('DELETE', `${base}/${portId}`)).status).toBe(202);
    expect((await f.call('GET', `/RegionOne/network/v2.0/ports/${portId}`)).status).toBe(404);
    expect((await f.call('DELETE', `${base}/${portId}`)).status).toBe(404);
  });

  it('shows flavors, keypairs, zones and hypervisors', async () => {
    const flavors = (await f.call('GET', `${NOVA}/flavors/detail`)).body.flavors;
    expect(flavors.map((x: { name: string; id: string }) => `${x.id}:${x.name}`)).toEqual([
      '1:m1.tiny',
      '2:m1.small',
      '3:m1.medium',
      '4:m1.large',
      '5:m1.xlarge',
    ]);
    expect(flavors[0]).toMatchObject({
      ram: 512,
      vcpus: 1,
      disk: 1,
      swap: '',
      'OS-FLV-EXT-DATA:ephemeral': 0,
      'os-flavor-access:is_public': true,
    });
    expect((await f.call('GET', `${NOVA}/flavors/3`)).body.flavor.name).toBe('m1.medium');
    expect((await f.call('GET', `${NOVA}/flavors/m1.tiny`)).status).toBe(404);

    const made = await f.call('POST', `${NOVA}/os-keypairs`, { body: { keypair: { name: 'k1' } } });
    expect(made.status).toBe(200);
    expect(made.body.keypair.public_key).toMatch(/^ssh-rsa AAAA/);
    expect(made.body.keypair.private_key).toContain('BEGIN RSA PRIVATE KEY');
    expect(made.body.keypair.fingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    const imported = await f.call('POST', `${NOVA}/os-keypairs`, {
      body: { keypair: { name: 'k2', public_key: made.body.keypair.public_key } },
    });
    expect(imported.body.keypair.fingerprint).toBe(made.body.keypair.fingerprint);
    expect((await f.call('POST', `${NOVA}/os-keypairs`, { body: { keypair: { name: 'k1' } } })).status).toBe(409);
    expect(
      (await f.call('POST', `${NOVA}/os-keypairs`, { body: { keypair: { name: 'k3', public_key: 'garbage' } } }))
        .status,
    ).toBe(400);
    expect(
      (await f.call('GET', `${NOVA}/os-keypairs`)).body.keypairs.map(
        (k: { keypair: { name: string } }) => k.keypair.name,
      ),
    ).toEqual(['k1', 'k2']);
    expect((await f.call('GET', `${NOVA}/os-keypairs/k1`)).body.keypair).toMatchObject({
      name: 'k1',
      user_id: expect.any(String),
      id: expect.any(Number),
    });
    const withKey = await activeServer({ key_name: 'k1' });
    expect((await show(withKey)).body.server.key_name).toBe('k1');
    expect((await f.call('DELETE', `${NOVA}/os-keypairs/k1`)).status).toBe(202);
    expect((await f.call('GET', `${NOVA}/os-keypairs/k1`)).status).toBe(404);

    const zones = (await f.call('GET', `${NOVA}/os-availability-zone`)).body.availabilityZoneInfo;
    expect(zones.map((z: { zoneName: string }) => z.zoneName)).toEqual(['nova', 'az1', 'az2']);
    expect(zones.every((z: { zoneState: { available: boolean } }) => z.zoneState.available)).toBe(true);
    const hyps = (await f.call('GET', `${NOVA}/os-hypervisors/detail`)).body.hypervisors;
    expect(hyps).toHaveLength(6);
    expect(hyps[0]).toMatchObject({ id: 1, state: 'up', status: 'enabled', hypervisor_hostname: 'regionone-nova-1' });
    const demo = await f.login({ user: 'demo', project: 'demo' });
    expect((await f.call('GET', `${NOVA}/os-hypervisors`, { token: demo.token })).status).toBe(403);
  });

  it('places servers only on hypervisors that are up and enabled, in the zone asked for', async () => {
    f.sim.admin.setHypervisor('regionone-az1-1', { status: 'disabled', disabled_reason: 'maintenance' });
    const id = await activeServer({ availability_zone: 'az1' });
    expect((await show(id)).body.server).toMatchObject({
      'OS-EXT-AZ:availability_zone': 'az1',
      'OS-EXT-SRV-ATTR:host': 'regionone-az1-2',
    });
    f.sim.admin.setHypervisor('regionone-az1-2', { state: 'down' });
    const zones = (await f.call('GET', `${NOVA}/os-availability-zone`)).body.availabilityZoneInfo;
    expect(zones.find((z: { zoneName: string }) => z.zoneName === 'az1').zoneState.available).toBe(false);
    const nowhere = (await create({ availability_zone: 'az1' })).body.server.id;
    const s = (await show(nowhere)).body.server;
    expect(s.status).toBe('ERROR');
    expect(s.fault.message).toBe('No valid host was found. There are not enough hosts available.');
  });

  it('accepts and ignores the microversion headers', async () => {
    const res = await f.call('GET', `${NOVA}/servers`, {
      headers: { 'X-OpenStack-Nova-API-Version': '2.79', 'OpenStack-API-Version': 'compute 2.79' },
    });
    expect(res.status).toBe(200);
  });
});
