import { useGrove } from '../testing/grove-harness';

const SPEC = {
  type: 'os.nova.server',
  version: '1.0',
  properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk' },
};
const UNAUTHORIZED = {
  error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' },
};

/**
 * AUTH_MODE=keystone against the simulator's Keystone: tokens are validated, the request's identity
 * is the token's (identity headers count for nothing), and a missing, unknown, expired or revoked
 * token gets keystonemiddleware's 401.
 */
describe('AUTH_MODE=keystone', () => {
  const h = useGrove((sim) => ({
    AUTH_MODE: 'keystone',
    KEYSTONE_AUTH_URL: sim.authUrl,
    KEYSTONE_USERNAME: 'admin',
    KEYSTONE_PASSWORD: 'secret',
    KEYSTONE_PROJECT_NAME: 'admin',
    // Every request asks Keystone, so a revocation shows at once.
    KEYSTONE_TOKEN_CACHE_S: '0',
  }));

  const tokenOf = async (user: 'admin' | 'demo', project: 'admin' | 'demo') => {
    const res = await fetch(`${h.sim.authUrl}/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: user, domain: { id: 'default' }, password: 'secret' } },
          },
          scope: { project: { name: project, domain: { id: 'default' } } },
        },
      }),
    });
    const body = (await res.json()) as { token: { project: { id: string } } };
    return { token: res.headers.get('x-subject-token')!, projectId: body.token.project.id };
  };

  const call = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
    fetch(`${h.url}${path}`, {
      method,
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });

  it('answers a request without a token, or with one Keystone does not know, with a 401', async () => {
    const asked: Record<string, string>[] = [
      {},
      { 'x-auth-token': 'not-a-token' },
      { 'x-project-id': 'p', 'x-roles': 'admin' },
    ];
    for (const headers of asked) {
      const res = await call('GET', '/v1/clusters', headers);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual(UNAUTHORIZED);
      expect(res.headers.get('www-authenticate')).toBe(`Keystone uri="${h.sim.authUrl.replace(/\/v3$/, '')}"`);
    }
  });

  it('takes the identity from the token, whatever identity headers say', async () => {
    const demo = await tokenOf('demo', 'demo');
    const made = await call(
      'POST',
      '/v1/profiles',
      { 'x-auth-token': demo.token, 'x-project-id': 'someone-else', 'x-roles': 'admin' },
      { profile: { name: 'mine', spec: SPEC } },
    );
    expect(made.status).toBe(201);
    const { profile } = (await made.json()) as { profile: { id: string; project: string } };
    expect(profile.project).toBe(demo.projectId);
    // A member, whatever X-Roles says: admin-only reads are 403.
    expect((await call('GET', '/v1/services', { 'x-auth-token': demo.token, 'x-roles': 'admin' })).status).toBe(403);
    expect((await call('GET', '/v1/profiles?global_project=true', { 'x-auth-token': demo.token })).status).toBe(403);
    // Another project's token does not see it; an admin's does, with global_project.
    const admin = await tokenOf('admin', 'admin');
    expect((await call('GET', `/v1/profiles/${profile.id}`, { 'x-auth-token': admin.token })).status).toBe(404);
    const all = await call('GET', '/v1/profiles?global_project=true', { 'x-auth-token': admin.token });
    expect(((await all.json()) as { profiles: { id: string }[] }).profiles.map((p) => p.id)).toContain(profile.id);
    expect((await call('GET', '/v1/services', { 'x-auth-token': admin.token })).status).toBe(200);
  });

  it('refuses a token once it is revoked, and once it has expired', async () => {
    const demo = await tokenOf('demo', 'demo');
    expect((await call('GET', '/v1/clusters', { 'x-auth-token': demo.token })).status).toBe(200);
    const admin = await tokenOf('admin', 'admin');
    const revoked = await fetch(`${h.sim.authUrl}/auth/tokens`, {
      method: 'DELETE',
      headers: { 'x-auth-token': admin.token, 'x-subject-token': demo.token },
    });
    expect(revoked.status).toBe(204);
    expect((await call('GET', '/v1/clusters', { 'x-auth-token': demo.token })).status).toBe(401);

    await fetch(`${h.sim.url}/admin/config`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token_ttl_s: 1 }),
    });
    const brief = await tokenOf('demo', 'demo');
    await fetch(`${h.sim.url}/admin/config`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token_ttl_s: 3600 }),
    });
    expect((await call('GET', '/v1/clusters', { 'x-auth-token': brief.token })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_200));
    expect((await call('GET', '/v1/clusters', { 'x-auth-token': brief.token })).status).toBe(401);
  });

  it('serves the version list and webhook triggers without a token', async () => {
    expect((await call('GET', '/', {})).status).toBe(300);
    const demo = await tokenOf('demo', 'demo');
    const auth = { 'x-auth-token': demo.token };
    const profile = await call('POST', '/v1/profiles', auth, { profile: { name: 'hooked', spec: SPEC } });
    const { id: profileId } = ((await profile.json()) as { profile: { id: string } }).profile;
    const cluster = await call('POST', '/v1/clusters', auth, {
      cluster: { name: 'hooked', profile_id: profileId, desired_capacity: 0 },
    });
    const { id: clusterId } = ((await cluster.json()) as { cluster: { id: string } }).cluster;
    for (let status = ''; status !== 'ACTIVE'; await new Promise((r) => setTimeout(r, 50)))
      status = (
        (await (await call('GET', `/v1/clusters/${clusterId}`, auth)).json()) as { cluster: { status: string } }
      ).cluster.status;
    const receiver = await call('POST', '/v1/receivers', auth, {
      receiver: { name: 'hook', type: 'webhook', cluster_id: clusterId, action: 'CLUSTER_SCALE_OUT' },
    });
    expect(receiver.status).toBe(201);
    const { alarm_url } = ((await receiver.json()) as { receiver: { channel: { alarm_url: string } } }).receiver
      .channel;
    const triggered = await fetch(alarm_url, { method: 'POST' });
    expect(triggered.status).toBe(202);
  });
});
