import { useSimulator } from '../testing/simulator-fixture';

describe('Keystone v3', () => {
  const f = useSimulator();

  it('issues a project-scoped token with a catalog of every service in every region', async () => {
    const res = await f.call('POST', '/identity/v3/auth/tokens', {
      token: null,
      body: {
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: 'demo', domain: { name: 'Default' }, password: 'secret' } },
          },
          scope: { project: { name: 'demo', domain: { id: 'default' } } },
        },
      },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-subject-token')).toMatch(/^gAAAAA/);
    const t = res.body.token;
    expect(t.project).toEqual({
      id: '16103baacbde4543bc750feec116bf61',
      name: 'demo',
      domain: { id: 'default', name: 'Default' },
    });
    expect(t.user).toMatchObject({ name: 'demo', domain: { id: 'default', name: 'Default' } });
    expect(t.roles.map((r: { name: string }) => r.name)).toEqual(['member']);
    expect(t.methods).toEqual(['password']);
    expect(Date.parse(t.expires_at) - Date.parse(t.issued_at)).toBe(3600_000);
    const types = t.catalog.map((s: { type: string }) => s.type).sort();
    expect(types).toEqual(['compute', 'identity', 'image', 'load-balancer', 'network', 'orchestration']);
    const nova = t.catalog.find((s: { type: string }) => s.type === 'compute');
    expect(nova.name).toBe('nova');
    expect(nova.endpoints).toHaveLength(6);
    expect(nova.endpoints).toContainEqual(
      expect.objectContaining({
        interface: 'public',
        region: 'RegionTwo',
        region_id: 'RegionTwo',
        url: `${f.sim.url}/RegionTwo/compute/v2.1`,
      }),
    );
    const heat = t.catalog.find((s: { type: string }) => s.type === 'orchestration');
    expect(heat.endpoints[0].url).toBe(`${f.sim.url}/RegionOne/orchestration/v1/16103baacbde4543bc750feec116bf61`);
  });

  it('authenticates a user by id and scopes to a project by id', async () => {
    const res = await f.call('POST', '/identity/v3/auth/tokens', {
      token: null,
      body: {
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { id: '89337824c79d4a47833c3acebdc95b09', password: 'secret' } },
          },
          scope: { project: { id: '16103baacbde4543bc750feec116bf61' } },
        },
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.token.roles.map((r: { name: string }) => r.name)).toEqual(['admin']);
  });

  it('gives an unscoped token without catalog or roles', async () => {
    const res = await f.call('POST', '/identity/v3/auth/tokens', {
      token: null,
      body: {
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: 'admin', domain: { name: 'Default' }, password: 'secret' } },
          },
        },
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.token.catalog).toBeUndefined();
    expect(res.body.token.project).toBeUndefined();
  });

  it.each([
    [
      'a wrong password',
      { name: 'admin', domain: { name: 'Default' }, password: 'nope' },
      { name: 'admin', domain: { name: 'Default' } },
    ],
    [
      'an unknown user',
      { name: 'ghost', domain: { name: 'Default' }, password: 'secret' },
      { name: 'admin', domain: { name: 'Default' } },
    ],
    [
      'a project without a role',
      { name: 'demo', domain: { name: 'Default' }, password: 'secret' },
      { name: 'admin', domain: { name: 'Default' } },
    ],
  ])('answers 401 in Keystone’s format for %s', async (_why, user, project) => {
    const res = await f.call('POST', '/identity/v3/auth/tokens', {
      token: null,
      body: { auth: { identity: { methods: ['password'], password: { user } }, scope: { project } } },
    });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' },
    });
  });

  it('validates a token, and says 404 for one it never issued', async () => {
    const ok = await f.call('GET', '/identity/v3/auth/tokens', { headers: { 'x-subject-token': f.token } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-subject-token')).toBe(f.token);
    expect(ok.body.token.project.name).toBe('admin');
    const bad = await f.call('GET', '/identity/v3/auth/tokens', { headers: { 'x-subject-token': 'gAAAAAnope' } });
    expect(bad.status).toBe(404);
    expect(bad.body.error.code).toBe(404);
  });

  it('serves version documents at /identity and /identity/v3', async () => {
    const root = await f.call('GET', '/identity', { token: null });
    expect(root.status).toBe(300);
    expect(root.body.versions.values[0]).toMatchObject({ id: 'v3.14', status: 'stable' });
    const v3 = await f.call('GET', '/identity/v3', { token: null });
    expect(v3.status).toBe(200);
    expect(v3.body.version.links[0].href).toBe(`${f.sim.url}/identity/v3/`);
  });

  it('lists regions, and projects for an admin only', async () => {
    const regions = await f.call('GET', '/identity/v3/regions');
    expect(regions.body.regions.map((r: { id: string }) => r.id)).toEqual(['RegionOne', 'RegionTwo']);
    const projects = await f.call('GET', '/identity/v3/projects');
    expect(projects.body.projects.map((p: { name: string }) => p.name).sort()).toEqual(['admin', 'alt_demo', 'demo']);
    const demo = await f.login({ user: 'demo', project: 'demo' });
    expect((await f.call('GET', '/identity/v3/projects', { token: demo.token })).status).toBe(403);
  });

  it('refuses cloud API calls without a valid token, in Keystone’s format', async () => {
    for (const token of [null, 'gAAAAAforged']) {
      const res = await f.call('GET', '/RegionOne/compute/v2.1/servers', { token });
      expect(res.status).toBe(401);
      expect(res.body.error.title).toBe('Unauthorized');
    }
  });

  it('expires tokens after token_ttl_s', async () => {
    f.sim.admin.updateConfig({ token_ttl_s: 1 });
    try {
      const { token, body } = await f.login();
      expect(Date.parse(body.token.expires_at) - Date.parse(body.token.issued_at)).toBe(1000);
      expect((await f.call('GET', '/RegionOne/compute/v2.1/flavors', { token })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1100));
      expect((await f.call('GET', '/RegionOne/compute/v2.1/flavors', { token })).status).toBe(401);
    } finally {
      f.sim.admin.updateConfig({ token_ttl_s: 3600 });
    }
  });
});
