import { useCloudSimulator } from './cloud';

describe('useCloudSimulator', () => {
  const cloud = useCloudSimulator();

  async function token(): Promise<string> {
    const c = cloud.credentials;
    const res = await fetch(`${c.authUrl}/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: c.username, domain: { name: c.userDomainName }, password: c.password } },
          },
          scope: { project: { name: c.projectName, domain: { name: c.projectDomainName } } },
        },
      }),
    });
    return res.headers.get('x-subject-token')!;
  }

  const createServer = async (t: string, metadata: Record<string, string>) =>
    fetch(`${cloud.url}/${cloud.credentials.regionName}/compute/v2.1/servers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': t },
      body: JSON.stringify({
        server: { name: 'vm', flavorRef: '1', imageRef: '55941991-9c07-4db1-8c59-1c7bb6d36aeb', metadata },
      }),
    });

  it('gives a running simulator with credentials that Keystone accepts', async () => {
    expect(cloud.authUrl).toBe(`${cloud.url}/identity/v3`);
    expect(cloud.dockerPort).toBeGreaterThan(0);
    expect(await token()).toMatch(/^gAAAAA/);
  });

  it('drives the simulator through the typed admin client', async () => {
    const t = await token();
    expect((await cloud.admin.setConfig({ build_time_ms: 10_000 })).build_time_ms).toBe(10_000);
    await cloud.admin.failNext({ method: 'POST', path: '/servers$', status: 503 });
    expect((await createServer(t, { cluster_id: 'c1' })).status).toBe(503);
    expect((await createServer(t, { cluster_id: 'c1' })).status).toBe(202);
    const [server] = await cloud.admin.servers({ metadata: { cluster_id: 'c1' } });
    expect(server).toMatchObject({ status: 'BUILD', region: 'RegionOne', metadata: { cluster_id: 'c1' } });
    expect((await cloud.admin.setServerStatus(server.id, 'ERROR')).status).toBe('ERROR');
    expect((await cloud.admin.stats()).by_route['POST /:region/compute/v2.1/servers']).toBe(2);
    await cloud.admin.vanish('servers', server.id);
    expect(await cloud.admin.servers()).toEqual([]);
    const url = await cloud.admin.putTemplate('empty', { heat_template_version: '2016-10-14' });
    expect(url).toBe(`${cloud.url}/admin/templates/empty`);
    expect((await cloud.admin.setHypervisor('regionone-az1-1', { state: 'down' })).state).toBe('down');
    await cloud.admin.reset();
    expect(await cloud.admin.config()).toMatchObject({ build_time_ms: 0 });
    await expect(cloud.admin.vanish('servers', 'nope')).rejects.toThrow(/answered 404/);
  });
});
