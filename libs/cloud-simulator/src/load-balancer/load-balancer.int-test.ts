import { useSimulator, type Json } from '../testing/simulator-fixture';

const LB = '/RegionOne/load-balancer/v2/lbaas';
const PRIVATE = '600d63e7-bdd1-4b1d-a992-55ebb8880ca9';
const PRIVATE_SUBNET = '8111e502-86d2-4f10-b2ba-3ecd26a996ad';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Octavia v2', () => {
  const f = useSimulator();

  beforeEach(() => f.sim.admin.reset());

  const post = (path: string, body: unknown, token?: string) => f.call('POST', `${LB}/${path}`, { body, token });
  const get = (path: string, token?: string) => f.call('GET', `${LB}/${path}`, { token });

  async function activeLb(extra: Record<string, unknown> = {}): Promise<Json> {
    const res = await post('loadbalancers', { loadbalancer: { name: 'web', vip_subnet_id: PRIVATE_SUBNET, ...extra } });
    expect(res.status).toBe(201);
    const lb = (await get(`loadbalancers/${res.body.loadbalancer.id}`)).body.loadbalancer;
    expect(lb.provisioning_status).toBe('ACTIVE');
    return lb;
  }

  it('is in the catalog of every region and answers version discovery', async () => {
    const { body } = await f.login();
    const octavia = body.token.catalog.find((s: Json) => s.type === 'load-balancer');
    expect(octavia.name).toBe('octavia');
    expect(octavia.endpoints).toContainEqual(
      expect.objectContaining({
        region: 'RegionTwo',
        interface: 'public',
        url: `${f.sim.url}/RegionTwo/load-balancer`,
      }),
    );
    const versions = await f.call('GET', '/RegionOne/load-balancer', { token: null });
    expect(versions.status).toBe(200);
    expect(versions.body.versions.find((v: Json) => v.status === 'CURRENT').links[0].href).toBe(
      `${f.sim.url}/RegionOne/load-balancer/v2`,
    );
  });

  it('creates a load balancer PENDING_CREATE with a VIP port on its subnet, ACTIVE after the build time', async () => {
    f.sim.admin.updateConfig({ build_time_ms: 200 });
    const res = await post('loadbalancers', {
      loadbalancer: { name: 'web', vip_subnet_id: PRIVATE_SUBNET, availability_zone: 'az1' },
    });
    expect(res.status).toBe(201);
    const lb = res.body.loadbalancer;
    expect(lb).toMatchObject({
      name: 'web',
      provisioning_status: 'PENDING_CREATE',
      operating_status: 'OFFLINE',
      vip_subnet_id: PRIVATE_SUBNET,
      vip_network_id: PRIVATE,
      availability_zone: 'az1',
      flavor_id: null,
      provider: 'amphora',
      project_id: f.projectId,
      listeners: [],
      pools: [],
      updated_at: null,
    });
    expect(lb.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(lb.vip_address).toMatch(/^127\.10\./);
    const [port] = f.sim.admin.resources({ type: 'ports' }).ports!;
    expect(port).toMatchObject({ id: lb.vip_port_id, device_owner: 'Octavia', device_id: `lb-${lb.id}` });
    expect(port.fixed_ips).toEqual([lb.vip_address]);

    await sleep(250);
    expect((await get(`loadbalancers/${lb.id}`)).body.loadbalancer).toMatchObject({
      provisioning_status: 'ACTIVE',
      operating_status: 'ONLINE',
    });
  });

  it('takes the VIP from a network’s subnet, or a given address', async () => {
    const res = await post('loadbalancers', { loadbalancer: { vip_network_id: PRIVATE, vip_address: '127.10.9.9' } });
    expect(res.body.loadbalancer).toMatchObject({ vip_subnet_id: PRIVATE_SUBNET, vip_address: '127.10.9.9' });
    const taken = await post('loadbalancers', {
      loadbalancer: { vip_subnet_id: PRIVATE_SUBNET, vip_address: '127.10.9.9' },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.faultstring).toMatch(/127\.10\.9\.9 already allocated/);
  });

  it('refuses bad load balancer requests in Octavia’s words', async () => {
    const cases: [unknown, number, string][] = [
      [{}, 400, "Invalid input for field/attribute loadbalancer. Value: 'None'. Mandatory field missing."],
      [
        { loadbalancer: {} },
        400,
        'Validation failure: VIP must contain one of: vip_port_id, vip_network_id, vip_subnet_id.',
      ],
      [
        { loadbalancer: { vip_subnet_id: 'x' } },
        400,
        "Invalid input for field/attribute vip_subnet_id. Value: 'x'. Value should be UUID format",
      ],
      [
        { loadbalancer: { vip_subnet_id: '11111111-2222-3333-4444-555555555555' } },
        400,
        'Subnet 11111111-2222-3333-4444-555555555555 not found.',
      ],
      [
        { loadbalancer: { vip_subnet_id: PRIVATE_SUBNET, availability_zone: 'mars' } },
        400,
        'Validation failure: Invalid availability_zone.',
      ],
      [
        { loadbalancer: { vip_subnet_id: PRIVATE_SUBNET, flavor_id: '11111111-2222-3333-4444-555555555555' } },
        400,
        'Validation failure: Invalid flavor_id.',
      ],
    ];
    for (const [body, status, message] of cases) {
      const res = await post('loadbalancers', body);
      expect({ status: res.status, body: res.body }).toEqual({
        status,
        body: { faultcode: 'Client', faultstring: message, debuginfo: null },
      });
    }
    expect((await get('loadbalancers/nope')).body).toEqual({
      faultcode: 'Client',
      faultstring: 'Load Balancer nope not found.',
      debuginfo: null,
    });
  });

  it('holds the load balancer PENDING_UPDATE while a listener is made, refusing other changes with 409', async () => {
    const lb = await activeLb();
    f.sim.admin.updateConfig({ action_time_ms: 300 });
    const l = await post('listeners', {
      listener: { loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: 80, name: 'web-80' },
    });
    expect(l.status).toBe(201);
    expect(l.body.listener).toMatchObject({
      provisioning_status: 'PENDING_CREATE',
      protocol: 'HTTP',
      protocol_port: 80,
      connection_limit: -1,
      loadbalancers: [{ id: lb.id }],
      default_pool_id: null,
    });
    expect((await get(`loadbalancers/${lb.id}`)).body.loadbalancer.provisioning_status).toBe('PENDING_UPDATE');

    const refused = await post('pools', {
      pool: { listener_id: l.body.listener.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({
      faultcode: 'Client',
      faultstring: `Load Balancer ${lb.id} is immutable and cannot be updated.`,
      debuginfo: null,
    });
    const deleting = await f.call('DELETE', `${LB}/loadbalancers/${lb.id}?cascade=true`);
    expect(deleting.status).toBe(409);
    expect(deleting.body.faultstring).toBe(`Invalid state PENDING_UPDATE of loadbalancer resource ${lb.id}`);

    await sleep(350);
    expect((await get(`loadbalancers/${lb.id}`)).body.loadbalancer).toMatchObject({
      provisioning_status: 'ACTIVE',
      listeners: [{ id: l.body.listener.id }],
    });
    expect((await get(`listeners/${l.body.listener.id}`)).body.listener).toMatchObject({
      provisioning_status: 'ACTIVE',
      operating_status: 'ONLINE',
    });
    const dup = await post('listeners', { listener: { loadbalancer_id: lb.id, protocol: 'TCP', protocol_port: 80 } });
    expect(dup.status).toBe(409);
    expect(dup.body.faultstring).toBe('Another Listener on this Load Balancer is already using protocol_port 80');
  });

  it('builds listener → pool → monitor → members, and lists members with their health', async () => {
    const lb = await activeLb();
    const l = (await post('listeners', { listener: { loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: 80 } }))
      .body.listener;
    const badPool = await post('pools', { pool: { listener_id: l.id, protocol: 'UDP', lb_algorithm: 'ROUND_ROBIN' } });
    expect(badPool.body.faultstring).toBe(
      "Validation failure: The pool protocol 'UDP' is invalid while the listener protocol is 'HTTP'.",
    );
    const pool = (
      await post('pools', {
        pool: {
          listener_id: l.id,
          protocol: 'HTTP',
          lb_algorithm: 'LEAST_CONNECTIONS',
          session_persistence: { type: 'APP_COOKIE', cookie_name: 'sid' },
        },
      })
    ).body.pool;
    expect(pool).toMatchObject({
      lb_algorithm: 'LEAST_CONNECTIONS',
      loadbalancers: [{ id: lb.id }],
      listeners: [{ id: l.id }],
      session_persistence: { type: 'APP_COOKIE', cookie_name: 'sid' },
    });
    expect((await get(`listeners/${l.id}`)).body.listener.default_pool_id).toBe(pool.id);
    const second = await post('pools', { pool: { listener_id: l.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' } });
    expect([second.status, second.body.faultstring]).toEqual([409, 'This listener already has a default pool']);

    const m1 = await post(`pools/${pool.id}/members`, {
      member: { address: '127.10.0.21', protocol_port: 8080, subnet_id: PRIVATE_SUBNET },
    });
    expect(m1.status).toBe(201);
    expect(m1.body.member).toMatchObject({
      weight: 1,
      operating_status: 'NO_MONITOR',
      provisioning_status: 'PENDING_CREATE',
    });
    expect((await get(`pools/${pool.id}/members/${m1.body.member.id}`)).body.member.operating_status).toBe(
      'NO_MONITOR',
    );

    const hm = await post('healthmonitors', {
      healthmonitor: { pool_id: pool.id, type: 'HTTP', delay: 10, timeout: 5, max_retries: 3 },
    });
    expect(hm.body.healthmonitor).toMatchObject({
      http_method: 'GET',
      url_path: '/',
      expected_codes: '200',
      max_retries_down: 3,
      pools: [{ id: pool.id }],
    });
    expect((await get(`pools/${pool.id}`)).body.pool.healthmonitor_id).toBe(hm.body.healthmonitor.id);
    await post(`pools/${pool.id}/members`, { member: { address: '127.10.0.22', protocol_port: 8080, weight: 5 } });
    const dup = await post(`pools/${pool.id}/members`, { member: { address: '127.10.0.22', protocol_port: 8080 } });
    expect(dup.body.faultstring).toBe(
      'Another member on this pool is already using ip 127.10.0.22 on protocol_port 8080',
    );

    const list = await get(`pools/${pool.id}/members`);
    expect(list.body.members.map((m: Json) => [m.address, m.operating_status, m.weight])).toEqual([
      ['127.10.0.21', 'ONLINE', 1],
      ['127.10.0.22', 'ONLINE', 5],
    ]);
    expect(list.body.members_links).toEqual([]);
    expect((await get(`pools?loadbalancer_id=${lb.id}`)).body.pools.map((p: Json) => p.id)).toEqual([pool.id]);
    expect((await get(`pools?loadbalancer_id=${PRIVATE}`)).body.pools).toEqual([]);
    expect(f.sim.admin.resources({ type: 'members', pool_id: pool.id }).members).toHaveLength(2);
  });

  it('refuses to delete a load balancer with children unless cascading, and cascades to everything', async () => {
    f.sim.admin.updateConfig({ delete_time_ms: 200 });
    const lb = await activeLb();
    const l = (await post('listeners', { listener: { loadbalancer_id: lb.id, protocol: 'TCP', protocol_port: 22 } }))
      .body.listener;
    const pool = (await post('pools', { pool: { listener_id: l.id, protocol: 'TCP', lb_algorithm: 'SOURCE_IP' } })).body
      .pool;
    await post(`pools/${pool.id}/members`, { member: { address: '127.10.0.30', protocol_port: 22 } });

    const refused = await f.call('DELETE', `${LB}/loadbalancers/${lb.id}`);
    expect(refused.status).toBe(400);
    expect(refused.body.faultstring).toBe(`Validation failure: Cannot delete Load Balancer ${lb.id} - it has children`);

    expect((await f.call('DELETE', `${LB}/loadbalancers/${lb.id}?cascade=true`)).status).toBe(204);
    expect((await get(`loadbalancers/${lb.id}`)).body.loadbalancer.provisioning_status).toBe('PENDING_DELETE');
    expect((await get(`pools/${pool.id}`)).body.pool.provisioning_status).toBe('PENDING_DELETE');
    await sleep(250);
    expect((await get(`loadbalancers/${lb.id}`)).status).toBe(404);
    expect((await get(`listeners/${l.id}`)).status).toBe(404);
    const left = f.sim.admin.resources({ type: ['loadbalancers', 'listeners', 'pools', 'members', 'ports'] });
    expect(left).toEqual({ loadbalancers: [], listeners: [], pools: [], members: [], ports: [] });
  });

  it('keeps projects apart, lists with filters, and answers the admin knobs in Octavia’s format', async () => {
    const lb = await activeLb();
    const demo = await f.login({ user: 'demo', project: 'demo' });
    expect((await get('loadbalancers', demo.token)).body).toEqual({ loadbalancers: [], loadbalancers_links: [] });
    expect((await get(`loadbalancers/${lb.id}`, demo.token)).status).toBe(403);
    expect((await get('loadbalancers?name=web')).body.loadbalancers.map((x: Json) => x.id)).toEqual([lb.id]);
    expect((await get('loadbalancers?name=other')).body.loadbalancers).toEqual([]);

    f.sim.admin.failNext({ path: '^/RegionOne/load-balancer/', status: 503 });
    expect((await get('loadbalancers')).body).toEqual({
      faultcode: 'Server',
      faultstring: 'Service Unavailable (simulated failure)',
      debuginfo: null,
    });
    f.sim.admin.updateConfig({ services: { 'load-balancer': { failure_rate: 1 } } });
    expect((await get('loadbalancers')).status).toBe(503);
    expect((await f.call('GET', '/RegionOne/network/v2.0/networks')).status).toBe(200);
  });

  it('lets a member or a whole load balancer vanish through the admin API', async () => {
    const lb = await activeLb();
    const pool = (
      await post('pools', { pool: { loadbalancer_id: lb.id, protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN' } })
    ).body.pool;
    const m = (await post(`pools/${pool.id}/members`, { member: { address: '127.10.0.60', protocol_port: 80 } })).body
      .member;
    expect((await f.call('DELETE', `/admin/resources/members/${m.id}`, { token: null })).status).toBe(204);
    expect((await get(`pools/${pool.id}/members/${m.id}`)).status).toBe(404);
    expect((await f.call('DELETE', `/admin/resources/loadbalancers/${lb.id}`, { token: null })).status).toBe(204);
    expect((await get(`pools/${pool.id}`)).status).toBe(404);
    expect(f.sim.admin.resources({ type: ['loadbalancers', 'pools', 'ports'] })).toEqual({
      loadbalancers: [],
      pools: [],
      ports: [],
    });
    expect((await f.call('DELETE', `/admin/resources/loadbalancers/${lb.id}`, { token: null })).status).toBe(404);
  });

  it('fails a load balancer to ERROR at the build failure rate', async () => {
    f.sim.admin.updateConfig({ build_failure_rate: 1 });
    const res = await post('loadbalancers', { loadbalancer: { vip_subnet_id: PRIVATE_SUBNET } });
    expect((await get(`loadbalancers/${res.body.loadbalancer.id}`)).body.loadbalancer).toMatchObject({
      provisioning_status: 'ERROR',
      operating_status: 'ERROR',
    });
  });

  it('offers Octavia flavors by id and name', async () => {
    const all = (await get('flavors')).body.flavors;
    expect(all.map((x: Json) => x.name)).toEqual(['amphora-single', 'amphora-active-standby']);
    expect((await get(`flavors/${all[0].id}`)).body.flavor.name).toBe('amphora-single');
    expect((await get('flavors?name=amphora-active-standby')).body.flavors).toHaveLength(1);
    expect((await activeLb({ flavor_id: all[1].id })).flavor_id).toBe(all[1].id);
  });
});
