import { useSimulator, type Json } from '../testing/simulator-fixture';

const CIRROS = '55941991-9c07-4db1-8c59-1c7bb6d36aeb';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Docker Engine API', () => {
  const f = useSimulator();

  /** Docker on `ip` (a server's fixed IP, or 127.0.0.1 for the `local` host), with the API version prefix. */
  const docker = (ip: string) => async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`http://${ip}:${f.sim.dockerPort}/v1.41${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: Json = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* text */
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };

  async function server(metadata: Record<string, string> = {}): Promise<{ id: string; ip: string }> {
    const res = await f.call('POST', '/RegionOne/compute/v2.1/servers', {
      body: { server: { name: 'host', flavorRef: '2', imageRef: CIRROS, metadata } },
    });
    const id = res.body.server.id;
    const s = (await f.call('GET', `/RegionOne/compute/v2.1/servers/${id}`)).body.server;
    return { id, ip: s.addresses.private[0].addr };
  }

  beforeEach(() => f.sim.admin.reset());

  it('answers ping, version and info, unversioned and versioned', async () => {
    const ping = await fetch(`http://127.0.0.1:${f.sim.dockerPort}/_ping`);
    expect(ping.status).toBe(200);
    expect(await ping.text()).toBe('OK');
    expect(ping.headers.get('api-version')).toBe('1.41');
    const version = await docker('127.0.0.1')('GET', '/version');
    expect(version.body).toMatchObject({ ApiVersion: '1.41', Os: 'linux' });
    const tooNew = await fetch(`http://127.0.0.1:${f.sim.dockerPort}/v1.99/version`);
    expect(tooNew.status).toBe(400);
    expect(await tooNew.json()).toEqual({
      message: 'client version 1.99 is too new. Maximum supported API version is 1.41',
    });
    const info = await docker('127.0.0.1')('GET', '/info');
    expect(info.body).toMatchObject({ Name: 'local', Containers: 0, Images: 5 });
  });

  it('runs containers on the server whose fixed IP the request arrived on', async () => {
    const host = await server();
    const d = docker(host.ip);
    const info = await d('GET', '/info');
    expect(info.body).toMatchObject({ Name: 'host', NCPU: 1, MemTotal: 2048 * 1024 * 1024 });

    const made = await d('POST', '/containers/create?name=web', {
      Image: 'nginx',
      Cmd: ['nginx', '-g', 'daemon off;'],
      Labels: { cluster_id: 'c1', cluster_node_id: 'n1' },
      Env: ['A=1'],
      HostConfig: { NetworkMode: 'bridge' },
    });
    expect(made.status).toBe(201);
    const id = made.body.Id as string;
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(made.body.Warnings).toEqual([]);
    expect((await d('GET', `/containers/web/json`)).body.State.Status).toBe('created');
    expect((await d('POST', `/containers/${id.slice(0, 12)}/start`)).status).toBe(204);
    expect((await d('POST', `/containers/${id}/start`)).status).toBe(304);
    const c = (await d('GET', `/containers/${id}/json`)).body;
    expect(c).toMatchObject({
      Id: id,
      Name: '/web',
      State: { Status: 'running', Running: true, Paused: false, Restarting: false, ExitCode: 0 },
      Config: {
        Image: 'nginx',
        Cmd: ['nginx', '-g', 'daemon off;'],
        Labels: { cluster_id: 'c1', cluster_node_id: 'n1' },
        Env: ['A=1'],
      },
      HostConfig: { NetworkMode: 'bridge' },
    });
    expect(c.State.Pid).toBeGreaterThan(0);
    expect(c.NetworkSettings.IPAddress).toMatch(/^172\.17\./);
    expect(c.State.StartedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);

    // Another host does not see it.
    expect((await docker('127.0.0.1')('GET', `/containers/${id}/json`)).status).toBe(404);
    expect((await docker('127.0.0.1')('GET', '/containers/json?all=1')).body).toEqual([]);

    const listed = await d(
      'GET',
      `/containers/json?filters=${encodeURIComponent(JSON.stringify({ label: ['cluster_id=c1'] }))}`,
    );
    expect(listed.body).toHaveLength(1);
    expect(listed.body[0]).toMatchObject({
      Id: id,
      Names: ['/web'],
      State: 'running',
      Labels: { cluster_node_id: 'n1' },
      Image: 'nginx',
    });
    expect(listed.body[0].Status).toMatch(/^Up /);
    const none = await d(
      'GET',
      `/containers/json?filters=${encodeURIComponent(JSON.stringify({ label: ['cluster_id=other'] }))}`,
    );
    expect(none.body).toEqual([]);
    const byName = await d(
      'GET',
      `/containers/json?all=true&filters=${encodeURIComponent(JSON.stringify({ name: ['web'] }))}`,
    );
    expect(byName.body).toHaveLength(1);

    const listing = f.sim.admin.resources({ type: 'containers', labels: { cluster_id: 'c1' } }).containers!;
    expect(listing).toEqual([
      expect.objectContaining({
        id,
        name: 'web',
        status: 'running',
        host: host.id,
        host_ip: host.ip,
        region: 'RegionOne',
        project_id: f.projectId,
      }),
    ]);

    expect((await d('POST', `/containers/${id}/pause`)).status).toBe(204);
    expect((await d('POST', `/containers/${id}/pause`)).status).toBe(409);
    expect((await d('POST', `/containers/${id}/start`)).status).toBe(409);
    expect((await d('DELETE', `/containers/${id}`)).status).toBe(409);
    expect((await d('POST', `/containers/${id}/unpause`)).status).toBe(204);
    expect((await d('POST', `/containers/${id}/unpause`)).body).toEqual({ message: `Container ${id} is not paused` });
    const busy = await d('DELETE', `/containers/${id}`);
    expect(busy.status).toBe(409);
    expect(busy.body.message).toBe(
      `You cannot remove a running container ${id}. Stop the container before attempting removal or force remove`,
    );

    expect((await d('POST', `/containers/${id}/rename?name=web2`)).status).toBe(204);
    expect((await d('GET', `/containers/web2/json`)).body.Name).toBe('/web2');
    expect((await d('POST', `/containers/${id}/restart`)).status).toBe(204);
    expect((await d('POST', `/containers/${id}/stop?t=1`)).status).toBe(204);
    expect((await d('POST', `/containers/${id}/stop`)).status).toBe(304);
    const stopped = (await d('GET', `/containers/${id}/json`)).body;
    expect(stopped.State).toMatchObject({ Status: 'exited', Running: false, ExitCode: 0 });
    expect((await d('GET', '/containers/json')).body).toEqual([]);
    expect((await d('GET', '/containers/json?all=1')).body[0].Status).toMatch(/^Exited \(0\) /);
    expect((await d('POST', `/containers/${id}/kill`)).status).toBe(409);
    expect((await d('DELETE', `/containers/${id}`)).status).toBe(204);
    expect((await d('GET', `/containers/${id}/json`)).body).toEqual({ message: `No such container: ${id}` });
  });

  it('knows only seeded and pulled images, and names conflicts as Docker does', async () => {
    const d = docker('127.0.0.1');
    const unknown = await d('POST', '/containers/create', { Image: 'mysql:8' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ message: 'No such image: mysql:8' });
    const pulled = await d('POST', '/images/create?fromImage=mysql&tag=8');
    expect(pulled.status).toBe(200);
    expect(pulled.body).toContain('Downloaded newer image for mysql:8');
    expect((await d('GET', '/images/json')).body.map((i: { RepoTags: string[] }) => i.RepoTags[0])).toContain(
      'mysql:8',
    );
    expect((await d('POST', '/containers/create?name=db', { Image: 'mysql:8' })).status).toBe(201);
    const dup = await d('POST', '/containers/create?name=db', { Image: 'docker.io/library/busybox' });
    expect(dup.status).toBe(409);
    expect(dup.body.message).toMatch(
      /^Conflict\. The container name "\/db" is already in use by container "[0-9a-f]{64}"\./,
    );
    expect((await d('POST', '/containers/create?name=-bad', { Image: 'busybox' })).status).toBe(400);
    const generated = await d('POST', '/containers/create', { Image: 'busybox' });
    expect((await d('GET', `/containers/${generated.body.Id}/json`)).body.Name).toMatch(/^\/[a-z]+_[a-z]+\d?$/);
  });

  it('lets short-lived commands exit by themselves', async () => {
    const d = docker('127.0.0.1');
    const run = async (body: Record<string, unknown>) => {
      const id = (await d('POST', '/containers/create', { Image: 'busybox', ...body })).body.Id;
      await d('POST', `/containers/${id}/start`);
      return id as string;
    };
    const state = async (id: string) => (await d('GET', `/containers/${id}/json`)).body.State;
    const quits = await run({ Cmd: ['true'] });
    expect(await state(quits)).toMatchObject({ Status: 'exited', ExitCode: 0 });
    expect(await state(await run({ Cmd: ['sh', '-c', 'echo hi; exit 3'] }))).toMatchObject({
      Status: 'exited',
      ExitCode: 3,
    });
    expect(await state(await run({}))).toMatchObject({ Status: 'exited', ExitCode: 0 });
    expect(await state(await run({ Tty: true, OpenStdin: true }))).toMatchObject({ Status: 'running' });
    const naps = await run({ Cmd: ['sleep', '0.3'] });
    expect(await state(naps)).toMatchObject({ Status: 'running' });
    await sleep(350);
    expect(await state(naps)).toMatchObject({ Status: 'exited', ExitCode: 0 });
    expect(await state(await run({ Cmd: ['sh', '-c', 'while true; do sleep 1; done'] }))).toMatchObject({
      Status: 'running',
    });
  });

  it('holds start and removal for a container’s simulated_wait_time label', async () => {
    const d = docker('127.0.0.1');
    const id = (await d('POST', '/containers/create', { Image: 'nginx', Labels: { simulated_wait_time: '0.3' } })).body
      .Id;
    const t0 = Date.now();
    expect((await d('POST', `/containers/${id}/start`)).status).toBe(204);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect((await d('GET', `/containers/${id}/json`)).body.State.Status).toBe('running');
  });

  it('loses the containers of a server that is deleted, and does not answer for a server that is off', async () => {
    const host = await server();
    const d = docker(host.ip);
    const id = (await d('POST', '/containers/create', { Image: 'redis' })).body.Id;
    await d('POST', `/containers/${id}/start`);
    expect(f.sim.admin.resources({ type: 'containers' }).containers).toHaveLength(1);

    await f.call('POST', `/RegionOne/compute/v2.1/servers/${host.id}/action`, { body: { 'os-stop': null } });
    await expect(d('GET', '/_ping')).rejects.toThrow();
    await f.call('POST', `/RegionOne/compute/v2.1/servers/${host.id}/action`, { body: { 'os-start': null } });
    expect((await d('GET', `/containers/${id}/json`)).status).toBe(200);

    await f.call('DELETE', `/RegionOne/compute/v2.1/servers/${host.id}`);
    expect(f.sim.admin.resources({ type: 'containers' }).containers).toEqual([]);
    // The address now belongs to no server: the standalone host answers, without that container.
    expect((await d('GET', `/containers/${id}/json`)).status).toBe(404);
  });
});
