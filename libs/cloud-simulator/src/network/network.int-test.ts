import { useSimulator } from '../testing/simulator-fixture';

const NEUTRON = '/RegionOne/network/v2.0';
const PRIVATE = '600d63e7-bdd1-4b1d-a992-55ebb8880ca9';
const PUBLIC = 'b698f30b-5a76-4924-8a46-2a1dc2855ae2';
const PRIVATE_SUBNET = '8111e502-86d2-4f10-b2ba-3ecd26a996ad';

describe('Neutron v2.0', () => {
  const f = useSimulator();

  beforeEach(() => f.sim.admin.reset());

  it('finds networks and subnets by name and id', async () => {
    const byName = await f.call('GET', `${NEUTRON}/networks?name=private`);
    expect(byName.body.networks).toHaveLength(1);
    expect(byName.body.networks[0]).toMatchObject({
      id: PRIVATE,
      subnets: [PRIVATE_SUBNET],
      'router:external': false,
      status: 'ACTIVE',
      shared: true,
    });
    const external = await f.call('GET', `${NEUTRON}/networks?router:external=true`);
    expect(external.body.networks.map((n: { name: string }) => n.name)).toEqual(['public']);
    const subnet = (await f.call('GET', `${NEUTRON}/subnets/${PRIVATE_SUBNET}`)).body.subnet;
    expect(subnet).toMatchObject({
      name: 'private-subnet',
      network_id: PRIVATE,
      cidr: '127.10.0.0/16',
      gateway_ip: '127.10.0.1',
      ip_version: 4,
      allocation_pools: [{ start: '127.10.0.2', end: '127.10.255.254' }],
    });
    const fields = await f.call('GET', `${NEUTRON}/networks/${PUBLIC}?fields=id&fields=name`);
    expect(fields.body.network).toEqual({ id: PUBLIC, name: 'public' });
    const missing = await f.call('GET', `${NEUTRON}/networks/00000000-0000-4000-8000-000000000000`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      NeutronError: {
        type: 'NetworkNotFound',
        message: 'Network 00000000-0000-4000-8000-000000000000 could not be found.',
        detail: '',
      },
    });
  });

  it('tags a port at create and lists ports by tag, as Neutron filters them', async () => {
    const mk = (tags: string[]) =>
      f.call('POST', `${NEUTRON}/ports`, { body: { port: { network_id: PRIVATE, tags } } });
    const a = (await mk(['node=a', 'blue'])).body.port;
    const b = (await mk(['node=b', 'blue'])).body.port;
    const c = (await mk([])).body.port;
    expect(a.tags).toEqual(['node=a', 'blue']);
    const ids = async (q: string) =>
      ((await f.call('GET', `${NEUTRON}/ports?${q}`)).body.ports as { id: string }[])
        .map((p) => p.id)
        .filter((id) => [a.id, b.id, c.id].includes(id));
    expect(await ids('tags=node%3Da')).toEqual([a.id]);
    expect(await ids('tags=node%3Da,blue')).toEqual([a.id]);
    expect(await ids('tags=blue')).toEqual([a.id, b.id]);
    expect(await ids('tags-any=node%3Da,node%3Db')).toEqual([a.id, b.id]);
    expect(await ids('not-tags=blue')).toEqual([c.id]);
    expect(await ids('not-tags-any=node%3Da')).toEqual([b.id, c.id]);
    const bad = await mk(['a,b']);
    expect(bad.status).toBe(400);
    expect(bad.body.NeutronError.message).toBe('Invalid input for tags. Reason: \'"a,b"\' is not a valid tag.');
  });

  it("replaces a port's tags through its tags resource", async () => {
    const p = (await f.call('POST', `${NEUTRON}/ports`, { body: { port: { network_id: PRIVATE } } })).body.port;
    const put = await f.call('PUT', `${NEUTRON}/ports/${p.id}/tags`, { body: { tags: ['node=x', 'blue'] } });
    expect(put).toMatchObject({ status: 200, body: { tags: ['node=x', 'blue'] } });
    expect((await f.call('GET', `${NEUTRON}/ports/${p.id}`)).body.port.tags).toEqual(['node=x', 'blue']);
    expect((await f.call('PUT', `${NEUTRON}/ports/${p.id}/tags`, { body: { tags: ['a,b'] } })).status).toBe(400);
  });

  it('allocates port addresses from the subnet and refuses one already taken', async () => {
    const a = await f.call('POST', `${NEUTRON}/ports`, { body: { port: { network_id: PRIVATE, name: 'a' } } });
    expect(a.status).toBe(201);
    expect(a.body.port).toMatchObject({
      name: 'a',
      network_id: PRIVATE,
      device_id: '',
      status: 'DOWN',
      admin_state_up: true,
      tenant_id: f.projectId,
    });
    expect(a.body.port.fixed_ips).toEqual([
      { subnet_id: PRIVATE_SUBNET, ip_address: expect.stringMatching(/^127\.10\./) },
    ]);
    const fixed = await f.call('POST', `${NEUTRON}/ports`, {
      body: { port: { network_id: PRIVATE, fixed_ips: [{ ip_address: '127.10.7.7' }] } },
    });
    expect(fixed.body.port.fixed_ips[0].ip_address).toBe('127.10.7.7');
    const taken = await f.call('POST', `${NEUTRON}/ports`, {
      body: { port: { network_id: PRIVATE, fixed_ips: [{ ip_address: '127.10.7.7' }] } },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.NeutronError).toMatchObject({
      type: 'IpAddressAlreadyAllocated',
      message: `IP address 127.10.7.7 already allocated in subnet ${PRIVATE_SUBNET}`,
    });
    const outside = await f.call('POST', `${NEUTRON}/ports`, {
      body: { port: { network_id: PRIVATE, fixed_ips: [{ ip_address: '10.0.0.5' }] } },
    });
    expect(outside.status).toBe(400);
    const noNet = await f.call('POST', `${NEUTRON}/ports`, { body: { port: { name: 'x' } } });
    expect(noNet.status).toBe(400);

    const byIp = await f.call('GET', `${NEUTRON}/ports?fixed_ips=ip_address=127.10.7.7`);
    expect(byIp.body.ports.map((p: { id: string }) => p.id)).toEqual([fixed.body.port.id]);
    const renamed = await f.call('PUT', `${NEUTRON}/ports/${a.body.port.id}`, { body: { port: { name: 'renamed' } } });
    expect(renamed.body.port).toMatchObject({ name: 'renamed', revision_number: 2 });
    expect((await f.call('DELETE', `${NEUTRON}/ports/${fixed.body.port.id}`)).status).toBe(204);
    expect((await f.call('GET', `${NEUTRON}/ports/${fixed.body.port.id}`)).body.NeutronError.type).toBe('PortNotFound');
    // The address is free again.
    expect(
      (
        await f.call('POST', `${NEUTRON}/ports`, {
          body: { port: { network_id: PRIVATE, fixed_ips: [{ ip_address: '127.10.7.7' }] } },
        })
      ).status,
    ).toBe(201);
  });

  it('gives every project a default security group', async () => {
    const groups = (await f.call('GET', `${NEUTRON}/security-groups?name=default`)).body.security_groups;
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ name: 'default', tenant_id: f.projectId });
    expect(groups[0].security_group_rules).toHaveLength(4);
    const demo = await f.login({ user: 'demo', project: 'demo' });
    const theirs = (await f.call('GET', `${NEUTRON}/security-groups`, { token: demo.token })).body.security_groups;
    expect(theirs).toHaveLength(1);
    expect(theirs[0].id).not.toBe(groups[0].id);
  });

  it('allocates floating IPs from public and shows them on the server', async () => {
    const server = (
      await f.call('POST', '/RegionOne/compute/v2.1/servers', {
        body: { server: { name: 'fip', flavorRef: '1', imageRef: '55941991-9c07-4db1-8c59-1c7bb6d36aeb' } },
      })
    ).body.server.id;
    const port = (await f.call('GET', `${NEUTRON}/ports?device_id=${server}`)).body.ports[0];
    const fip = await f.call('POST', `${NEUTRON}/floatingips`, {
      body: { floatingip: { floating_network_id: PUBLIC, port_id: port.id } },
    });
    expect(fip.status).toBe(201);
    expect(fip.body.floatingip).toMatchObject({
      port_id: port.id,
      fixed_ip_address: port.fixed_ips[0].ip_address,
      status: 'ACTIVE',
    });
    expect(fip.body.floatingip.floating_ip_address).toMatch(/^127\.20\./);
    const addresses = (await f.call('GET', `/RegionOne/compute/v2.1/servers/${server}`)).body.server.addresses.private;
    expect(addresses).toContainEqual(
      expect.objectContaining({ addr: fip.body.floatingip.floating_ip_address, 'OS-EXT-IPS:type': 'floating' }),
    );
    const wrong = await f.call('POST', `${NEUTRON}/floatingips`, {
      body: { floatingip: { floating_network_id: PRIVATE } },
    });
    expect(wrong.status).toBe(400);
    const off = await f.call('PUT', `${NEUTRON}/floatingips/${fip.body.floatingip.id}`, {
      body: { floatingip: { port_id: null } },
    });
    expect(off.body.floatingip).toMatchObject({ port_id: null, status: 'DOWN' });
    expect((await f.call('DELETE', `${NEUTRON}/floatingips/${fip.body.floatingip.id}`)).status).toBe(204);
    expect((await f.call('GET', `${NEUTRON}/floatingips`)).body.floatingips).toEqual([]);
  });
});
