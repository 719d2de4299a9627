import { passwordToken } from './cloud';
/**
 * Grove running for one test file with the given settings (made from its simulator's Keystone
 * address when it is the one under test): where its api and its simulator are.
 */
export type UseApi = (env: (simAuthUrl: string) => Record<string, string>) => {
  readonly url: string;
  readonly simUrl: string;
};

/** A Keystone to run the contract against, and who is in it. */
export interface KeystoneUnderTest {
  /** Keystone v3, e.g. http://127.0.0.1:5000/v3 (made from the simulator when it is the one). */
  authUrl: string;
  /** Grove's service user, with the admin role in its project. */
  service: { user: string; password: string; project: string };
  /** A member of one project, and someone of another project. */
  member: Account;
  other: Account;
  /** Someone with the admin role. */
  admin: Account;
  /** What a server profile names in the cloud behind this Keystone, when it is not the simulator. */
  server?: { flavor: string; image: string; networks?: { network: string }[] };
}

export interface Account {
  user: string;
  password: string;
  project: string;
}

/** Grove's settings for keystone mode with this Keystone's service user. */
export const keystoneModeEnv = (k: KeystoneUnderTest): Record<string, string> => ({
  AUTH_MODE: 'keystone',
  KEYSTONE_AUTH_URL: k.authUrl,
  KEYSTONE_USERNAME: k.service.user,
  KEYSTONE_PASSWORD: k.service.password,
  KEYSTONE_PROJECT_NAME: k.service.project,
});

/** A server profile for the cloud behind the Keystone (the simulator's flavor and image by default). */
const specOf = (k: KeystoneUnderTest) => ({
  type: 'os.nova.server',
  version: '1.0',
  properties: k.server ?? { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk' },
});
/** A real Keystone takes a few hundred milliseconds per token, and every request here asks it. */
const TEST_MS = 30_000;
const UNAUTHORIZED = {
  error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' },
};

/**
 * AUTH_MODE=keystone as a contract, run against the simulator's Keystone (int tests) and a real
 * one (test/clouds): tokens are validated, the request's identity is the token's (identity
 * headers count for nothing), and a missing, unknown, expired or revoked token gets
 * keystonemiddleware's 401.
 */
export function describeKeystoneAuth(
  name: string,
  useApi: UseApi,
  keystone: (simAuthUrl: string) => KeystoneUnderTest,
  o: {
    /** Makes the tokens issued from now on expire within a second, and returns the undo (the simulator can). */
    shortTokens?: (simUrl: string) => Promise<() => Promise<void>>;
  } = {},
): void {
  describe(`AUTH_MODE=keystone (${name})`, () => {
    let k: KeystoneUnderTest;
    const h = useApi((simAuthUrl) => {
      k = keystone(simAuthUrl);
      // Every request asks Keystone, so a revocation shows at once.
      return { ...keystoneModeEnv(k), KEYSTONE_TOKEN_CACHE_S: '0' };
    });

    const tokenOf = (a: Account) => passwordToken(k.authUrl, a);

    const call = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
      fetch(`${h.url}${path}`, {
        method,
        headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body ? JSON.stringify(body) : undefined,
      });

    it(
      'answers a request without a token, or with one Keystone does not know, with a 401',
      async () => {
        const asked: Record<string, string>[] = [
          {},
          { 'x-auth-token': 'not-a-token' },
          { 'x-project-id': 'p', 'x-roles': 'admin' },
        ];
        for (const headers of asked) {
          const res = await call('GET', '/v1/clusters', headers);
          expect(res.status).toBe(401);
          expect(await res.json()).toEqual(UNAUTHORIZED);
          expect(res.headers.get('www-authenticate')).toBe(`Keystone uri="${k.authUrl.replace(/\/v3$/, '')}"`);
        }
      },
      TEST_MS,
    );

    it(
      'takes the identity from the token, whatever identity headers say',
      async () => {
        const demo = await tokenOf(k.member);
        const made = await call(
          'POST',
          '/v1/profiles',
          { 'x-auth-token': demo.token, 'x-project-id': 'someone-else', 'x-roles': 'admin' },
          { profile: { name: 'mine', spec: specOf(k) } },
        );
        expect(made.status).toBe(201);
        const { profile } = (await made.json()) as { profile: { id: string; project: string } };
        expect(profile.project).toBe(demo.projectId);
        // A member, whatever X-Roles says: admin-only reads are 403.
        expect((await call('GET', '/v1/services', { 'x-auth-token': demo.token, 'x-roles': 'admin' })).status).toBe(
          403,
        );
        expect((await call('GET', '/v1/profiles?global_project=true', { 'x-auth-token': demo.token })).status).toBe(
          403,
        );
        // Another project's token does not see it; an admin's does, with global_project.
        const other = await tokenOf(k.other);
        expect((await call('GET', `/v1/profiles/${profile.id}`, { 'x-auth-token': other.token })).status).toBe(404);
        const listed = await call('GET', '/v1/profiles', { 'x-auth-token': other.token });
        expect(((await listed.json()) as { profiles: { id: string }[] }).profiles.map((p) => p.id)).not.toContain(
          profile.id,
        );
        const admin = await tokenOf(k.admin);
        const all = await call('GET', '/v1/profiles?global_project=true', { 'x-auth-token': admin.token });
        expect(((await all.json()) as { profiles: { id: string }[] }).profiles.map((p) => p.id)).toContain(profile.id);
        expect((await call('GET', '/v1/services', { 'x-auth-token': admin.token })).status).toBe(200);
      },
      TEST_MS,
    );

    it(
      'refuses a token once it is revoked',
      async () => {
        const demo = await tokenOf(k.member);
        expect((await call('GET', '/v1/clusters', { 'x-auth-token': demo.token })).status).toBe(200);
        const admin = await tokenOf(k.admin);
        const revoked = await fetch(`${k.authUrl}/auth/tokens`, {
          method: 'DELETE',
          headers: { 'x-auth-token': admin.token, 'x-subject-token': demo.token },
        });
        expect(revoked.status).toBe(204);
        expect((await call('GET', '/v1/clusters', { 'x-auth-token': demo.token })).status).toBe(401);
      },
      TEST_MS,
    );

    // A Keystone whose token lifetime is its configuration's can only be waited out; one that can
    // issue short tokens (the simulator) shows that an expired token is refused.
    if (o.shortTokens)
      it('refuses a token once it has expired', async () => {
        const undo = await o.shortTokens!(h.simUrl);
        const brief = await tokenOf(k.member).finally(undo);
        expect((await call('GET', '/v1/clusters', { 'x-auth-token': brief.token })).status).toBe(200);
        await new Promise((r) => setTimeout(r, 1_200));
        expect((await call('GET', '/v1/clusters', { 'x-auth-token': brief.token })).status).toBe(401);
      });

    it(
      'keeps every kind of object of one project out of another’s reach, and global_project for admins',
      async () => {
        const a = { 'x-auth-token': (await tokenOf(k.member)).token };
        const b = { 'x-auth-token': (await tokenOf(k.other)).token };
        const json = async <T>(res: Promise<Response>) => (await (await res).json()) as T;
        const profile = (
          await json<{ profile: { id: string } }>(
            call('POST', '/v1/profiles', a, { profile: { name: 'iso', spec: specOf(k) } }),
          )
        ).profile.id;
        const made = await call('POST', '/v1/clusters', a, {
          cluster: { name: 'iso', profile_id: profile, desired_capacity: 1 },
        });
        const cluster = ((await made.json()) as { cluster: { id: string } }).cluster.id;
        const createAction = (made.headers.get('location') ?? '').split('/').pop()!;
        for (let status = ''; status !== 'ACTIVE'; await new Promise((r) => setTimeout(r, 50)))
          status = (await json<{ cluster: { status: string } }>(call('GET', `/v1/clusters/${cluster}`, a))).cluster
            .status;
        const node = (await json<{ nodes: { id: string }[] }>(call('GET', `/v1/nodes?cluster_id=${cluster}`, a)))
          .nodes[0].id;
        const policy = (
          await json<{ policy: { id: string } }>(
            call('POST', '/v1/policies', a, {
              policy: {
                name: 'iso',
                spec: { type: 'senlin.policy.deletion', version: '1.1', properties: { criteria: 'OLDEST_FIRST' } },
              },
            }),
          )
        ).policy.id;
        const receiver = await json<{ receiver: { id: string; channel: { alarm_url: string } } }>(
          call('POST', '/v1/receivers', a, {
            receiver: { name: 'iso', type: 'webhook', cluster_id: cluster, action: 'CLUSTER_SCALE_OUT' },
          }),
        );
        const event = (await json<{ events: { id: string }[] }>(call('GET', `/v1/events?oid=${cluster}`, a))).events[0]
          .id;
        const objects: [string, string][] = [
          ['profiles', profile],
          ['clusters', cluster],
          ['nodes', node],
          ['policies', policy],
          ['receivers', receiver.receiver.id],
          ['actions', createAction],
          ['events', event],
        ];
        const asked: [string, string, unknown?][] = [];
        for (const [kind, id] of objects) {
          asked.push(['GET', `/v1/${kind}/${id}`]);
          if (!['actions', 'events'].includes(kind)) {
            asked.push([
              'PATCH',
              `/v1/${kind}/${id}`,
              { [kind.replace(/ies$/, 'y').replace(/s$/, '')]: { name: 'taken' } },
            ]);
            asked.push(['DELETE', `/v1/${kind}/${id}`]);
          }
        }
        asked.push(['POST', `/v1/clusters/${cluster}/actions`, { scale_out: { count: 1 } }]);
        asked.push(['POST', `/v1/clusters/${cluster}/actions`, { policy_attach: { policy_id: policy } }]);
        asked.push(['GET', `/v1/clusters/${cluster}/policies`]);
        asked.push(['POST', `/v1/nodes/${node}/actions`, { check: {} }]);
        asked.push(['POST', `/v1/receivers/${receiver.receiver.id}/notify`]);
        const answers = await Promise.all(
          asked.map(async ([method, path, body]) => [`${method} ${path}`, (await call(method, path, b, body)).status]),
        );
        expect(answers.filter(([, status]) => status !== 404)).toEqual([]);
        for (const [kind, id] of objects) {
          const listed = await json<Record<string, { id: string }[]>>(call('GET', `/v1/${kind}`, b));
          expect({ kind, seen: listed[kind].some((x) => x.id === id) }).toEqual({ kind, seen: false });
          expect({ kind, status: (await call('GET', `/v1/${kind}?global_project=true`, b)).status }).toEqual({
            kind,
            status: 403,
          });
        }
        // Still A's, untouched; and a trigger for a receiver A deleted is a 404.
        expect((await call('GET', `/v1/clusters/${cluster}`, a)).status).toBe(200);
        expect((await call('DELETE', `/v1/receivers/${receiver.receiver.id}`, a)).status).toBe(204);
        expect((await fetch(receiver.receiver.channel.alarm_url, { method: 'POST' })).status).toBe(404);
      },
      TEST_MS * 2,
    );

    it(
      'serves the version list and webhook triggers without a token',
      async () => {
        expect((await call('GET', '/', {})).status).toBe(300);
        const demo = await tokenOf(k.member);
        const auth = { 'x-auth-token': demo.token };
        const profile = await call('POST', '/v1/profiles', auth, { profile: { name: 'hooked', spec: specOf(k) } });
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
      },
      TEST_MS,
    );
  });
}
