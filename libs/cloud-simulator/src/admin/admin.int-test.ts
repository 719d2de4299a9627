import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeedError } from '../seed/seed';
import { startCloudSimulator } from '../simulator';
import { useSimulator } from '../testing/simulator-fixture';
import defaultSeed from '../seed/default-seed.json';

const NOVA = '/RegionOne/compute/v2.1';
const CIRROS = '55941991-9c07-4db1-8c59-1c7bb6d36aeb';

describe('the admin API', () => {
  const f = useSimulator();

  beforeEach(async () => {
    expect((await f.call('POST', '/admin/reset', { token: null })).status).toBe(204);
  });

  const create = (metadata: Record<string, string> = {}) =>
    f.call('POST', `${NOVA}/servers`, { body: { server: { name: 'vm', flavorRef: '1', imageRef: CIRROS, metadata } } });
  const timed = async (fn: () => Promise<unknown>) => {
    const t0 = performance.now();
    await fn();
    return performance.now() - t0;
  };

  it('reads and changes the knobs with GET, PATCH and PUT', async () => {
    const initial = await f.call('GET', '/admin/config', { token: null });
    expect(initial.body).toEqual({
      latency_ms: 0,
      latency_jitter_ms: 0,
      build_time_ms: 0,
      delete_time_ms: 0,
      action_time_ms: 0,
      failure_rate: 0,
      failure_kinds: ['503'],
      build_failure_rate: 0,
      token_ttl_s: 3600,
      services: {},
    });
    const patched = await f.call('PATCH', '/admin/config', {
      token: null,
      body: { build_time_ms: 50, services: { compute: { latency_ms: 5 } } },
    });
    expect(patched.body).toMatchObject({ build_time_ms: 50, services: { compute: { latency_ms: 5 } } });
    const put = await f.call('PUT', '/admin/config', { token: null, body: { delete_time_ms: 7 } });
    expect(put.body).toMatchObject({ build_time_ms: 0, delete_time_ms: 7, services: {} });
    const bad = await f.call('PATCH', '/admin/config', {
      token: null,
      body: { failure_rate: 2, nonsense: 1, services: { dns: {} } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('failure_rate must be a number from 0 to 1');
    expect(bad.body.error.message).toContain("unknown knob 'nonsense'");
    expect(bad.body.error.message).toContain('services.dns: unknown service');
  });

  it('adds latency_ms before every response, and per service', async () => {
    const base = await timed(() => f.call('GET', `${NOVA}/flavors`));
    f.sim.admin.updateConfig({ latency_ms: 150 });
    expect(await timed(() => f.call('GET', `${NOVA}/flavors`))).toBeGreaterThanOrEqual(145);
    f.sim.admin.updateConfig({ latency_ms: 0, services: { compute: { latency_ms: 200 } } });
    expect(await timed(() => f.call('GET', `${NOVA}/flavors`))).toBeGreaterThanOrEqual(195);
    expect(await timed(() => f.call('GET', '/RegionOne/image/v2/images'))).toBeLessThan(150 + base);
    // The admin API itself is never slowed down.
    f.sim.admin.updateConfig({ latency_ms: 1000, services: { compute: null } });
    expect(await timed(() => f.call('GET', '/admin/config', { token: null }))).toBeLessThan(500);
  });

  it('fails the next matching requests before they take effect', async () => {
    const rule = await f.call('POST', '/admin/fail-next', {
      token: null,
      body: { method: 'POST', path: '/compute/v2\\.1/servers$', status: 503, count: 2 },
    });
    expect(rule.status).toBe(201);
    expect(rule.body.rule).toMatchObject({ method: 'POST', status: 503, remaining: 2, after_effect: false });
    for (let i = 0; i < 2; i++) {
      const res = await create();
      expect(res.status).toBe(503);
      expect(res.body).toEqual({
        serviceUnavailable: { code: 503, message: 'Service Unavailable (simulated failure)' },
      });
    }
    expect(f.sim.admin.resources({ type: 'servers' }).servers).toEqual([]);
    expect((await create()).status).toBe(202);
    expect(f.sim.admin.stats().injected_failures).toBe(2);
  });

  it('with after_effect, lets the request take effect and loses the reply', async () => {
    f.sim.admin.failNext({
      method: 'POST',
      path: 'servers$',
      status: 500,
      message: 'lost on the way back',
      after_effect: true,
    });
    const res = await create({ cluster_node_id: 'n-1' });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ computeFault: { code: 500, message: 'lost on the way back' } });
    expect(res.headers.get('location')).toBeNull();
    const made = f.sim.admin.resources({ type: 'servers', metadata: { cluster_node_id: 'n-1' } }).servers!;
    expect(made).toHaveLength(1);
  });

  it('renders injected failures in each service’s error format', async () => {
    f.sim.admin.failNext({ path: '^/RegionOne/network/', status: 409 });
    expect((await f.call('GET', '/RegionOne/network/v2.0/networks')).body).toEqual({
      NeutronError: { type: 'HTTPConflict', message: 'Conflict (simulated failure)', detail: '' },
    });
    f.sim.admin.failNext({ path: '/orchestration/', status: 503 });
    const heat = await f.call('GET', `/RegionOne/orchestration/v1/${f.projectId}/stacks`);
    expect(heat.body).toMatchObject({
      code: 503,
      title: 'Service Unavailable',
      error: { type: 'HTTPServiceUnavailable' },
    });
    f.sim.admin.failNext({ path: '/auth/tokens', status: 500 });
    expect((await f.call('POST', '/identity/v3/auth/tokens', { token: null, body: {} })).body).toEqual({
      error: { code: 500, message: 'Internal Server Error (simulated failure)', title: 'Internal Server Error' },
    });
    f.sim.admin.failNext({ path: '^/containers/json', status: 500 });
    const docker = await fetch(`http://127.0.0.1:${f.sim.dockerPort}/v1.41/containers/json`);
    expect(docker.status).toBe(500);
    expect(await docker.json()).toEqual({ message: 'Internal Server Error (simulated failure)' });
    expect((await f.call('GET', '/admin/fail-next', { token: null })).body.rules).toEqual([]);
    expect((await f.call('POST', '/admin/fail-next', { token: null, body: { path: '(' } })).status).toBe(400);
  });

  it('fails requests at failure_rate with a 503, per service too', async () => {
    f.sim.admin.updateConfig({ services: { image: { failure_rate: 1 } } });
    const glance = await f.call('GET', '/RegionOne/image/v2/images');
    expect(glance.status).toBe(503);
    expect(glance.body).toMatchObject({ code: '503 Service Unavailable', title: 'Service Unavailable' });
    expect((await f.call('GET', `${NOVA}/flavors`)).status).toBe(200);
    f.sim.admin.updateConfig({ failure_rate: 0.5, services: { image: null } });
    let failed = 0;
    for (let i = 0; i < 200; i++) if ((await f.call('GET', `${NOVA}/flavors`)).status === 503) failed++;
    expect(failed).toBeGreaterThan(50);
    expect(failed).toBeLessThan(150);
  });

  it('fails in each of failure_kinds: a status, a 429 with Retry-After, or no answer at all', async () => {
    f.sim.admin.updateConfig({ failure_rate: 1, failure_kinds: ['429'] });
    const limited = await f.call('GET', `${NOVA}/flavors`);
    expect({ status: limited.status, retryAfter: limited.headers.get('retry-after') }).toEqual({
      status: 429,
      retryAfter: '1',
    });
    f.sim.admin.updateConfig({ failure_kinds: ['502'] });
    expect((await f.call('GET', `${NOVA}/flavors`)).status).toBe(502);
    f.sim.admin.updateConfig({ failure_kinds: ['timeout'] });
    const t0 = Date.now();
    const hung = await fetch(`${f.sim.url}${NOVA}/flavors`, {
      headers: { 'x-auth-token': f.token },
      signal: AbortSignal.timeout(300),
    }).then(
      (r) => r.status,
      (e: Error) => e.name,
    );
    expect(hung).toBe('TimeoutError');
    expect(Date.now() - t0).toBeLessThan(5_000);
    f.sim.admin.updateConfig({ failure_rate: 0 });
    expect((await f.call('GET', `${NOVA}/flavors`)).status).toBe(200);
    const bad = await f.call('PATCH', '/admin/config', { token: null, body: { failure_kinds: ['418'] } });
    expect(bad.status).toBe(400);
  });

  it('lists every resource with its region and project, filtered by metadata', async () => {
    await create({ cluster_id: 'c1' });
    await create({ cluster_id: 'c2' });
    const demo = await f.login({ user: 'demo', project: 'demo' });
    await f.call('POST', '/RegionTwo/compute/v2.1/servers', {
      token: demo.token,
      body: { server: { name: 'demo-vm', flavorRef: '1', imageRef: CIRROS } },
    });
    const listing = await f.call('GET', '/admin/resources', { token: null });
    expect(Object.keys(listing.body).sort()).toEqual([
      'containers',
      'floatingips',
      'healthmonitors',
      'keypairs',
      'listeners',
      'loadbalancers',
      'members',
      'pools',
      'ports',
      'servergroups',
      'servers',
      'stacks',
    ]);
    expect(listing.body.servers).toHaveLength(3);
    expect(listing.body.ports).toHaveLength(3);
    const c1 = await f.call('GET', '/admin/resources?type=servers&metadata.cluster_id=c1', { token: null });
    expect(c1.body).toEqual({
      servers: [
        expect.objectContaining({
          status: 'ACTIVE',
          region: 'RegionOne',
          project_id: f.projectId,
          metadata: { cluster_id: 'c1' },
        }),
      ],
    });
    const two = await f.call('GET', '/admin/resources?type=servers&region=RegionTwo&project=demo', { token: null });
    expect(two.body.servers.map((s: { name: string }) => s.name)).toEqual(['demo-vm']);
    const seeded = await f.call('GET', '/admin/resources?type=flavors,networks&region=RegionOne', { token: null });
    expect(seeded.body.flavors.map((x: { name: string }) => x.name)).toContain('m1.tiny');
    expect(seeded.body.networks.map((x: { name: string }) => x.name)).toEqual(['private', 'public']);
    expect((await f.call('GET', '/admin/resources?type=volumes', { token: null })).status).toBe(400);
  });

  it('forces a server’s status behind its owner’s back', async () => {
    const id = (await create()).body.server.id;
    const res = await f.call('POST', `/admin/servers/${id}/status`, {
      token: null,
      body: { status: 'ERROR', fault: 'disk on fire' },
    });
    expect(res.status).toBe(200);
    expect(res.body.server).toMatchObject({ id, status: 'ERROR', fault: 'disk on fire' });
    const seen = (await f.call('GET', `${NOVA}/servers/${id}`)).body.server;
    expect(seen).toMatchObject({ status: 'ERROR', fault: { code: 500, message: 'disk on fire' } });
    await f.call('POST', `/admin/servers/${id}/status`, { token: null, body: { status: 'SHUTOFF' } });
    expect((await f.call('GET', `${NOVA}/servers/${id}`)).body.server).toMatchObject({
      status: 'SHUTOFF',
      'OS-EXT-STS:power_state': 4,
    });
    expect(
      (await f.call('POST', `/admin/servers/${id}/status`, { token: null, body: { status: 'MELTED' } })).status,
    ).toBe(400);
    expect(
      (await f.call('POST', '/admin/servers/nope/status', { token: null, body: { status: 'ERROR' } })).status,
    ).toBe(404);
  });

  it('forces a stack’s state behind its owner’s back', async () => {
    const heat = `/RegionOne/orchestration/v1/${f.projectId}`;
    const made = await f.call('POST', `${heat}/stacks`, {
      body: { stack_name: 'forced', template: { heat_template_version: '2016-10-14', resources: {} } },
    });
    const id = made.body.stack.id;
    const res = await f.call('POST', `/admin/stacks/${id}/status`, {
      token: null,
      body: { status: 'UPDATE_FAILED', reason: 'quota gone' },
    });
    expect(res.status).toBe(200);
    expect(res.body.stack).toMatchObject({ id, status: 'UPDATE_FAILED', status_reason: 'quota gone' });
    const seen = await f.call('GET', `${heat}/stacks/forced/${id}`);
    expect(seen.body.stack).toMatchObject({ stack_status: 'UPDATE_FAILED', stack_status_reason: 'quota gone' });
    for (const status of ['MELTED', 'DELETE_COMPLETE', 'UPDATE_IN_PROGRESS'])
      expect((await f.call('POST', `/admin/stacks/${id}/status`, { token: null, body: { status } })).status).toBe(400);
    expect(
      (await f.call('POST', '/admin/stacks/nope/status', { token: null, body: { status: 'CHECK_FAILED' } })).status,
    ).toBe(404);
  });

  it('makes a resource vanish without its owner being told', async () => {
    const id = (await create()).body.server.id;
    expect((await f.call('DELETE', `/admin/resources/servers/${id}`, { token: null })).status).toBe(204);
    expect((await f.call('GET', `${NOVA}/servers/${id}`)).status).toBe(404);
    expect(f.sim.admin.resources({ type: 'ports' }).ports).toEqual([]);
    expect((await f.call('DELETE', `/admin/resources/servers/${id}`, { token: null })).status).toBe(404);
    expect((await f.call('DELETE', '/admin/resources/volumes/x', { token: null })).status).toBe(400);
  });

  it('takes a hypervisor down and disables it', async () => {
    const res = await f.call('PUT', '/admin/hypervisors/regionone-nova-1', {
      token: null,
      body: { state: 'down', status: 'disabled', disabled_reason: 'test' },
    });
    expect(res.body.hypervisor).toMatchObject({
      hypervisor_hostname: 'regionone-nova-1',
      state: 'down',
      status: 'disabled',
      region: 'RegionOne',
    });
    const hyp = (await f.call('GET', `${NOVA}/os-hypervisors`)).body.hypervisors.find(
      (h: { hypervisor_hostname: string }) => h.hypervisor_hostname === 'regionone-nova-1',
    );
    expect(hyp).toMatchObject({ state: 'down', status: 'disabled' });
    expect((await f.call('PUT', '/admin/hypervisors/nope', { token: null, body: { state: 'down' } })).status).toBe(404);
  });

  it('counts requests by method and route template', async () => {
    await create();
    await create();
    await f.call('GET', `${NOVA}/servers`);
    const stats = (await f.call('GET', '/admin/stats', { token: null })).body;
    expect(stats.by_route['POST /:region/compute/v2.1/servers']).toBe(2);
    expect(stats.by_route['GET /:region/compute/v2.1/servers']).toBe(1);
    expect(stats.by_service.compute).toBe(3);
    expect(stats.by_status['202']).toBe(2);
    expect((await f.call('DELETE', '/admin/stats', { token: null })).status).toBe(204);
    expect(f.sim.admin.stats().total).toBe(0);
  });

  it('resets to the seed and default knobs, keeping tokens valid', async () => {
    await create();
    f.sim.admin.updateConfig({ build_time_ms: 10_000 });
    f.sim.admin.failNext({ path: 'x' });
    f.sim.admin.reset();
    expect(f.sim.admin.resources({ type: 'servers' }).servers).toEqual([]);
    expect(f.sim.admin.config().build_time_ms).toBe(0);
    expect(f.sim.admin.failNextRules()).toEqual([]);
    expect((await f.call('GET', `${NOVA}/servers`)).status).toBe(200);
  });
});

describe('the seed', () => {
  it('can be replaced by a JSON file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-seed-'));
    const file = join(dir, 'seed.json');
    writeFileSync(
      file,
      JSON.stringify({
        ...defaultSeed,
        regions: ['North'],
        flavors: [{ id: 'f1', name: 'tiny', vcpus: 1, ram: 64, disk: 1 }],
      }),
    );
    const sim = await startCloudSimulator({ port: 0, dockerPort: 0, seedFile: file });
    try {
      const res = await fetch(`${sim.authUrl}/auth/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          auth: {
            identity: {
              methods: ['password'],
              password: { user: { name: 'admin', domain: { id: 'default' }, password: 'secret' } },
            },
            scope: { project: { name: 'admin', domain: { id: 'default' } } },
          },
        }),
      });
      const token = res.headers.get('x-subject-token')!;
      const catalog = ((await res.json()) as { token: { catalog: { endpoints: { region: string }[] }[] } }).token
        .catalog;
      expect(new Set(catalog.flatMap((s) => s.endpoints.map((e) => e.region)))).toEqual(new Set(['North']));
      const flavors = await fetch(`${sim.url}/North/compute/v2.1/flavors`, { headers: { 'x-auth-token': token } });
      expect(((await flavors.json()) as { flavors: { name: string }[] }).flavors.map((x) => x.name)).toEqual(['tiny']);
    } finally {
      await sim.close();
    }
  });

  it('is checked at start, every problem named by its path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-seed-'));
    const file = join(dir, 'seed.json');
    const networks = structuredClone(defaultSeed.networks);
    networks[1].subnets[0].cidr = '127.10.128.0/17';
    writeFileSync(
      file,
      JSON.stringify({
        ...defaultSeed,
        regions: ['admin'],
        flavors: [{ id: '1', name: 'x', vcpus: 0, ram: 1, disk: 1 }],
        networks,
      }),
    );
    const err = await startCloudSimulator({ port: 0, dockerPort: 0, seedFile: file }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SeedError);
    expect((err as SeedError).message).toBe(
      [
        `Invalid simulator seed (${file}):`,
        "  - regions[0]: 'admin' is reserved",
        '  - flavors[0].vcpus: must be an integer from 1 up',
        '  - networks[1].subnets[0].cidr: overlaps networks[0].subnets[0].cidr',
        '  - networks[1].subnets[0].gateway_ip: must be a host address inside 127.10.128.0/17',
      ].join('\n'),
    );
    const notJson = join(dir, 'bad.json');
    writeFileSync(notJson, '{ nope');
    await expect(startCloudSimulator({ port: 0, dockerPort: 0, seedFile: notJson })).rejects.toThrow(
      /is not valid JSON/,
    );
  });
});
