import { useSimulator, type Json } from '../testing/simulator-fixture';

const NOVA = '/RegionOne/compute/v2.1';
const CIRROS = '55941991-9c07-4db1-8c59-1c7bb6d36aeb';
const V264 = { 'OpenStack-API-Version': 'compute 2.64' };
const NO_VALID_HOST = 'No valid host was found. There are not enough hosts available.';

describe('Nova server groups', () => {
  const f = useSimulator();

  beforeEach(() => f.sim.admin.reset());

  const createGroup = (server_group: unknown, headers: Record<string, string> = V264, token?: string) =>
    f.call('POST', `${NOVA}/os-server-groups`, { body: { server_group }, headers, token });

  async function group(policy: string, rules?: Json): Promise<string> {
    const res = await createGroup({ name: `g-${policy}`, policy, ...(rules ? { rules } : {}) });
    expect(res.status).toBe(200);
    return res.body.server_group.id;
  }

  /** Boots one server into the group and returns it once settled. */
  async function boot(groupId: string, extra: Record<string, unknown> = {}): Promise<Json> {
    const res = await f.call('POST', `${NOVA}/servers`, {
      body: {
        server: { name: 'm', flavorRef: '1', imageRef: CIRROS, ...extra },
        'os:scheduler_hints': { group: groupId },
      },
    });
    expect(res.status).toBe(202);
    return (await f.call('GET', `${NOVA}/servers/${res.body.server.id}`)).body.server;
  }

  it('answers in the shape of the microversion asked for', async () => {
    const old = await createGroup({ name: 'a', policies: ['anti-affinity'] }, {});
    expect(old.status).toBe(200);
    expect(old.body.server_group).toEqual({
      id: expect.any(String),
      name: 'a',
      policies: ['anti-affinity'],
      metadata: {},
      members: [],
    });
    const created = await createGroup({ name: 'b', policy: 'soft-affinity' });
    expect(created.headers.get('openstack-api-version')).toBe('compute 2.64');
    expect(created.body.server_group).toEqual({
      id: expect.any(String),
      name: 'b',
      policy: 'soft-affinity',
      rules: {},
      members: [],
      project_id: f.projectId,
      user_id: expect.any(String),
    });
    const id = created.body.server_group.id;
    const atOld = await f.call('GET', `${NOVA}/os-server-groups/${id}`, {
      headers: { 'X-OpenStack-Nova-API-Version': '2.13' },
    });
    expect(atOld.body.server_group).toMatchObject({ policies: ['soft-affinity'], project_id: f.projectId });
  });

  it('refuses what Nova refuses', async () => {
    const cases: [unknown, Record<string, string>, number, string][] = [
      [{ name: 'x', policies: ['soft-affinity'] }, {}, 400, 'is not one of'],
      [
        { name: 'x', policy: 'anti-affinity' },
        {},
        400,
        "Additional properties are not allowed ('policy' was unexpected)",
      ],
      [
        { name: 'x', policies: ['affinity'] },
        V264,
        400,
        "Additional properties are not allowed ('policies' was unexpected)",
      ],
      [{ policy: 'affinity' }, V264, 400, "'name' is a required property"],
      [
        { name: 'x', policy: 'affinity', rules: { max_server_per_host: 2 } },
        V264,
        400,
        'Only anti-affinity policy supports rules.',
      ],
      [
        { name: 'x', policy: 'affinity' },
        { 'OpenStack-API-Version': 'compute 2.200' },
        406,
        'Version 2.200 is not supported',
      ],
    ];
    for (const [body, headers, status, message] of cases) {
      const res = await createGroup(body, headers);
      expect([res.status, JSON.stringify(res.body)]).toEqual([status, expect.stringContaining(message)]);
    }
    const missing = await f.call('GET', `${NOVA}/os-server-groups/00000000-0000-4000-8000-000000000009`);
    expect(missing.body).toEqual({
      itemNotFound: { code: 404, message: 'Instance group 00000000-0000-4000-8000-000000000009 could not be found.' },
    });
    const badHint = await f.call('POST', `${NOVA}/servers`, {
      body: { server: { name: 'm', flavorRef: '1', imageRef: CIRROS }, 'os:scheduler_hints': { group: 'nope' } },
    });
    expect(badHint.status).toBe(400);
    const goneHint = await f.call('POST', `${NOVA}/servers`, {
      body: {
        server: { name: 'm', flavorRef: '1', imageRef: CIRROS },
        'os:scheduler_hints': { group: '00000000-0000-4000-8000-000000000009' },
      },
    });
    expect(goneHint.body.badRequest.message).toBe(
      'Instance group 00000000-0000-4000-8000-000000000009 could not be found.',
    );
  });

  it('lists a project’s groups; all_projects is for admins', async () => {
    const mine = await group('affinity');
    const demo = await f.login({ user: 'demo', project: 'demo' });
    const theirs = (await createGroup({ name: 'd', policy: 'anti-affinity' }, V264, demo.token)).body.server_group.id;
    const ids = async (q: string, token?: string) =>
      (await f.call('GET', `${NOVA}/os-server-groups${q}`, { token, headers: V264 })).body.server_groups?.map(
        (g: Json) => g.id,
      );
    expect(await ids('')).toEqual([mine]);
    expect(await ids('', demo.token)).toEqual([theirs]);
    expect(await ids('?all_projects=True')).toEqual([mine, theirs]);
    expect((await f.call('GET', `${NOVA}/os-server-groups?all_projects=1`, { token: demo.token })).status).toBe(403);
    expect((await f.call('GET', `${NOVA}/os-server-groups/${mine}`, { token: demo.token })).status).toBe(404);
  });

  it('spreads anti-affinity members over the zone’s hypervisors, then fails the next with no valid host', async () => {
    const id = await group('anti-affinity');
    const a = await boot(id, { availability_zone: 'az1' });
    const b = await boot(id, { availability_zone: 'az1' });
    expect([a.status, b.status]).toEqual(['ACTIVE', 'ACTIVE']);
    expect(new Set([a['OS-EXT-SRV-ATTR:host'], b['OS-EXT-SRV-ATTR:host']])).toEqual(
      new Set(['regionone-az1-1', 'regionone-az1-2']),
    );
    const c = await boot(id, { availability_zone: 'az1' });
    expect(c.status).toBe('ERROR');
    expect(c.fault.message).toBe(NO_VALID_HOST);
    // Another zone still has room.
    expect((await boot(id, { availability_zone: 'az2' })).status).toBe('ACTIVE');

    const members = (await f.call('GET', `${NOVA}/os-server-groups/${id}`, { headers: V264 })).body.server_group
      .members;
    expect(members).toEqual([a.id, b.id, c.id, expect.any(String)]);
    // A deleted member leaves the group, and its host is free again.
    expect((await f.call('DELETE', `${NOVA}/servers/${a.id}`)).status).toBe(204);
    expect(
      (await f.call('GET', `${NOVA}/os-server-groups/${id}`, { headers: V264 })).body.server_group.members,
    ).not.toContain(a.id);
    const d = await boot(id, { availability_zone: 'az1' });
    expect([d.status, d['OS-EXT-SRV-ATTR:host']]).toEqual(['ACTIVE', a['OS-EXT-SRV-ATTR:host']]);
  });

  it('allows max_server_per_host members per host with that rule', async () => {
    const id = await group('anti-affinity', { max_server_per_host: 2 });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await boot(id, { availability_zone: 'az2' })).status);
    expect(statuses).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'ERROR']);
  });

  it('keeps affinity members on one host, failing when that host cannot take more', async () => {
    const id = await group('affinity');
    const first = await boot(id);
    const host = first['OS-EXT-SRV-ATTR:host'];
    for (let i = 0; i < 3; i++) expect((await boot(id))['OS-EXT-SRV-ATTR:host']).toBe(host);
    await f.call('PUT', `/admin/hypervisors/${host}`, { token: null, body: { status: 'disabled' } });
    const stuck = await boot(id);
    expect([stuck.status, stuck.fault?.message]).toEqual(['ERROR', NO_VALID_HOST]);
  });

  it('places soft policies by preference and never fails for them', async () => {
    const spread = await group('soft-anti-affinity');
    const hosts = [];
    for (let i = 0; i < 3; i++) hosts.push((await boot(spread, { availability_zone: 'az1' }))['OS-EXT-SRV-ATTR:host']);
    expect(new Set(hosts.slice(0, 2)).size).toBe(2);
    expect(hosts[2]).toMatch(/^regionone-az1-/);
    const together = await group('soft-affinity');
    const t = [];
    for (let i = 0; i < 3; i++) t.push((await boot(together))['OS-EXT-SRV-ATTR:host']);
    expect(new Set(t).size).toBe(1);
  });

  it('deletes a group, leaving its servers where they are', async () => {
    const id = await group('anti-affinity');
    const s = await boot(id);
    expect((await f.call('DELETE', `${NOVA}/os-server-groups/${id}`)).status).toBe(204);
    expect((await f.call('GET', `${NOVA}/os-server-groups/${id}`)).status).toBe(404);
    expect((await f.call('DELETE', `${NOVA}/os-server-groups/${id}`)).status).toBe(404);
    expect((await f.call('GET', `${NOVA}/servers/${s.id}`)).body.server.status).toBe('ACTIVE');
    expect(f.sim.admin.resources({ type: 'servergroups' }).servergroups).toEqual([]);
  });
});
