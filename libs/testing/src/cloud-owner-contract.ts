import { passwordToken } from './cloud';
import { keystoneModeEnv, type KeystoneUnderTest, type UseApi } from './keystone-auth-contract';

/** The cloud behind the Keystone: what a server profile names. */
export interface CloudUnderTest {
  flavor: string;
  image: string;
  /** A network every project may plug into (shared). */
  network: string;
  /** An external network that floating IPs come from. */
  externalNetwork: string;
}

const TEST_MS = 120_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Keystone mode's trust flow as a contract, against the simulator (int tests) and real Keystone,
 * Nova and Neutron (test/clouds): the engine works in each owner's project through the owner's
 * trust, and sees only what that project may see, so a profile naming another project's port or
 * floating IP is refused, however strong Grove's service user is.
 */
export function describeCloudOwnership(
  name: string,
  useApi: UseApi,
  keystone: (simAuthUrl: string) => KeystoneUnderTest,
  cloud: CloudUnderTest,
): void {
  describe(`cloud calls in the owner's project (${name})`, () => {
    let k: KeystoneUnderTest;
    const h = useApi((simAuthUrl) => {
      k = keystone(simAuthUrl);
      return keystoneModeEnv(k);
    });

    /** A user's token, their project and the public endpoints of their catalog. */
    const login = async (a: KeystoneUnderTest['member']) => {
      const t = await passwordToken(k.authUrl, a);
      return { token: t.token, project: t.projectId, endpoint: t.endpoint };
    };

    const json = async <T>(res: Response): Promise<T> => {
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${res.status} ${text}`);
      return (text ? JSON.parse(text) : {}) as T;
    };
    const api = (token: string) => (method: string, path: string, body?: unknown) =>
      fetch(`${h.url}${path}`, {
        method,
        headers: { 'x-auth-token': token, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
    const neutron = (who: Awaited<ReturnType<typeof login>>) => (method: string, path: string, body?: unknown) =>
      fetch(`${who.endpoint('network').replace(/\/v2\.0$/, '')}/v2.0${path}`, {
        method,
        headers: { 'x-auth-token': who.token, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });

    /** Waits for a cluster to settle; returns its status and its nodes. */
    async function settled(call: ReturnType<typeof api>, id: string) {
      for (;;) {
        const { cluster } = await json<{ cluster: { status: string; status_reason: string } }>(
          await call('GET', `/v1/clusters/${id}`),
        );
        if (!['INIT', 'CREATING', 'RESIZING', 'UPDATING', 'RECOVERING', 'CHECKING'].includes(cluster.status)) {
          const { nodes } = await json<{
            nodes: { id: string; physical_id: string | null; status: string; status_reason: string }[];
          }>(await call('GET', `/v1/nodes?cluster_id=${id}`));
          return { ...cluster, nodes };
        }
        await sleep(200);
      }
    }

    const profile = (extra: Record<string, unknown> = {}) => ({
      type: 'os.nova.server',
      version: '1.0',
      properties: { flavor: cloud.flavor, image: cloud.image, networks: [{ network: cloud.network }], ...extra },
    });

    it(
      'builds a member’s cluster in the member’s own project, through their trust',
      async () => {
        const a = await login(k.member);
        const call = api(a.token);
        const p = await json<{ profile: { id: string } }>(
          await call('POST', '/v1/profiles', { profile: { name: 'owned', spec: profile() } }),
        );
        const made = await json<{ cluster: { id: string } }>(
          await call('POST', '/v1/clusters', {
            cluster: { name: 'owned', profile_id: p.profile.id, desired_capacity: 1 },
          }),
        );
        const c = await settled(call, made.cluster.id);
        expect({ status: c.status, reason: c.status_reason }).toEqual({ status: 'ACTIVE', reason: expect.any(String) });
        // The member's own token reads the server: it is in their project, not in Grove's.
        const server = await fetch(`${a.endpoint('compute')}/servers/${c.nodes[0].physical_id}`, {
          headers: { 'x-auth-token': a.token },
        });
        expect(server.status).toBe(200);
        const { server: s } = (await server.json()) as { server: { tenant_id: string; user_id: string } };
        expect(s.tenant_id).toBe(a.project);
        await json(await call('DELETE', `/v1/clusters/${made.cluster.id}`));
      },
      TEST_MS,
    );

    it(
      'refuses a profile naming another project’s port, and a node taking another project’s floating IP',
      async () => {
        const a = await login(k.member);
        const b = await login(k.other);
        const bNeutron = neutron(b);
        const net = await json<{ networks: { id: string }[] }>(
          await bNeutron('GET', `/networks?name=${encodeURIComponent(cloud.network)}`),
        );
        const ext = await json<{ networks: { id: string }[] }>(
          await bNeutron('GET', `/networks?name=${encodeURIComponent(cloud.externalNetwork)}`),
        );
        const port = await json<{ port: { id: string } }>(
          await bNeutron('POST', '/ports', { port: { network_id: net.networks[0].id, name: 'bobs-port' } }),
        );
        const fip = await json<{ floatingip: { id: string; floating_ip_address: string } }>(
          await bNeutron('POST', '/floatingips', { floatingip: { floating_network_id: ext.networks[0].id } }),
        );
        try {
          const call = api(a.token);
          const refused = await call('POST', '/v1/profiles', {
            profile: { name: 'takes-a-port', spec: profile({ networks: [{ port: port.port.id }] }) },
          });
          expect(refused.status).toBe(400);
          expect(await refused.text()).toContain(`The specified port '${port.port.id}' could not be found.`);

          const p = await json<{ profile: { id: string } }>(
            await call('POST', '/v1/profiles', {
              profile: {
                name: 'takes-an-ip',
                spec: profile({
                  networks: [{ network: cloud.network, floating_ip: fip.floatingip.floating_ip_address }],
                }),
              },
            }),
          );
          const made = await json<{ cluster: { id: string } }>(
            await call('POST', '/v1/clusters', {
              cluster: { name: 'takes-an-ip', profile_id: p.profile.id, desired_capacity: 1 },
            }),
          );
          const c = await settled(call, made.cluster.id);
          expect(c.status).not.toBe('ACTIVE');
          expect(c.nodes[0].status_reason).toContain(
            `The specified floating IP '${fip.floatingip.floating_ip_address}' could not be found.`,
          );
          // Bob's floating IP and port are as Bob left them.
          const still = await json<{ floatingip: { port_id: string | null } }>(
            await bNeutron('GET', `/floatingips/${fip.floatingip.id}`),
          );
          expect(still.floatingip.port_id).toBeNull();
          await call('DELETE', `/v1/clusters/${made.cluster.id}`);
        } finally {
          await bNeutron('DELETE', `/floatingips/${fip.floatingip.id}`);
          await bNeutron('DELETE', `/ports/${port.port.id}`);
        }
      },
      TEST_MS,
    );
  });
}
