/**
 * bench/real-nova-cluster: Grove and Debian's Senlin 14 side by side against one real cloud
 * (test/clouds: Keystone, Nova with the fake driver, Glance, Neutron), as the same tenant (alice
 * in project-a): the seconds from `POST /v1/clusters` to the cluster's ACTIVE (and to all its
 * servers ACTIVE in Nova), and from `DELETE /v1/clusters/{id}` to the cluster gone (and to no
 * server of it left in Nova). Run after `npm run build`, with the services' env exported:
 *
 *   eval "$(test/clouds/nova.sh start)" && eval "$(test/clouds/senlin.sh start)"
 *   npm run bench:real-nova                        # 3 runs of 20 nodes each
 *   npm run bench:real-nova -- --runs 5 --size 50
 *
 * Grove runs as its built processes (api, one engine, health-manager; startGroveProcesses) in
 * AUTH_MODE=keystone against that Keystone, with its production poll settings; its engine works
 * in alice's project through the trust her first request makes, as the service user grove.
 * Senlin (test/clouds/senlin.sh: api, one engine, conductor, health manager) is reached at
 * SENLIN_URL. The runs alternate Grove, Senlin, Grove, … so that a busy moment costs both.
 */
import { cpus, loadavg } from 'node:os';
import { passwordToken, startGroveProcesses, type GroveProcesses } from '@grove/testing';
import { machine } from './support';

const need = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: export the env of test/clouds/keystone.sh, nova.sh and senlin.sh`);
  return v;
};

const option = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} wants a positive whole number`);
  return n;
};

const RUNS = option('runs', 3);
/** `--only grove` or `--only senlin`: one of the two (to look into it). */
const ONLY = process.argv.includes('--only')
  ? process.argv[process.argv.indexOf('--only') + 1]?.toLowerCase()
  : undefined;
const SIZE = option('size', 20);
const TIMEOUT_MS = 900_000;
const POLL_MS = 500;

const env = {
  authUrl: need('KEYSTONE_AUTH_URL'),
  serviceUser: need('KEYSTONE_USERNAME'),
  servicePassword: need('KEYSTONE_PASSWORD'),
  serviceProject: need('KEYSTONE_PROJECT_NAME'),
  password: need('GROVE_CLOUDS_PASSWORD'),
  novaUrl: need('NOVA_URL'),
  senlinUrl: need('SENLIN_URL'),
  flavor: need('NOVA_FLAVOR'),
  image: need('GLANCE_IMAGE_NAME'),
  network: need('NEUTRON_NETWORK'),
};
const TENANT = { user: 'alice', password: env.password, project: 'project-a' };

/**
 * Nova's default quota (10 instances, 20 cores per project) is below a 20-node cluster: as
 * Keystone's admin, project-a gets room for `SIZE` servers of the flavor (and ten more) on top of
 * what it has.
 */
async function ensureQuota(): Promise<void> {
  const admin = await passwordToken(env.authUrl, { user: 'admin', password: env.password, project: 'admin' });
  const { projectId } = await passwordToken(env.authUrl, TENANT);
  const nova = (method: string, path: string, body?: unknown) =>
    fetch(`${env.novaUrl}${path}`, {
      method,
      headers: { 'x-auth-token': admin.token, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const flavors = (await (await nova('GET', '/flavors/detail')).json()) as {
    flavors: { name: string; vcpus: number; ram: number }[];
  };
  const flavor = flavors.flavors.find((f) => f.name === env.flavor);
  if (!flavor) throw new Error(`Nova has no flavor ${env.flavor}`);
  const res = await nova('GET', `/os-quota-sets/${projectId}/detail`);
  if (res.status !== 200) throw new Error(`Nova quota of project-a: ${res.status} ${await res.text()}`);
  const q = ((await res.json()) as { quota_set: Record<string, { limit: number; in_use: number }> }).quota_set;
  const want: Record<string, number> = {
    instances: SIZE,
    cores: SIZE * flavor.vcpus,
    ram: SIZE * flavor.ram,
  };
  const raise: Record<string, number> = {};
  for (const [k, n] of Object.entries(want)) {
    const { limit, in_use } = q[k];
    // Ten servers' room more, for what other tests make in project-a meanwhile.
    const room = in_use + n + (n / SIZE) * 10;
    if (limit >= 0 && limit < room) raise[k] = room;
  }
  if (!Object.keys(raise).length) return;
  const put = await nova('PUT', `/os-quota-sets/${projectId}`, { quota_set: raise });
  if (put.status !== 200) throw new Error(`Nova quota update: ${put.status} ${await put.text()}`);
  console.log(`project-a's Nova quota raised: ${JSON.stringify(raise)}`);
}

/** alice's token, taken again when it is half an hour old (Keystone's tokens here last an hour). */
let token: { value: string; at: number } | undefined;
async function aliceToken(): Promise<string> {
  if (!token || Date.now() - token.at > 1_800_000)
    token = { value: (await passwordToken(env.authUrl, TENANT)).token, at: Date.now() };
  return token.value;
}

interface Reply<T> {
  status: number;
  body: T;
}

async function call<T = Record<string, unknown>>(method: string, url: string, body?: unknown): Promise<Reply<T>> {
  const res = await fetch(url, {
    method,
    headers: {
      'x-auth-token': await aliceToken(),
      'openstack-api-version': 'clustering 1.10',
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: kept as text for the error message */
  }
  return { status: res.status, body: parsed as T };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

interface Server {
  id: string;
  status: string;
  metadata?: Record<string, string>;
}

/** alice's Nova servers of cluster `clusterId` (both services tag them with `cluster_id`). */
async function serversOf(clusterId: string): Promise<Server[]> {
  const res = await call<{ servers: Server[] }>('GET', `${env.novaUrl}/servers/detail`);
  if (res.status !== 200) throw new Error(`Nova server list: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.servers.filter((s) => s.metadata?.cluster_id === clusterId);
}

/**
 * Polls `check` every POLL_MS until it says done; its seconds since t0 when it did. It gives up
 * (NaN) once `halt.done` is set: the other watch of the same cluster failed.
 */
async function until(
  what: string,
  t0: bigint,
  check: () => Promise<boolean>,
  halt: { done: boolean } = { done: false },
): Promise<number> {
  const deadline = Date.now() + TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (halt.done) return NaN;
    if (await check()) return seconds(t0);
    await sleep(POLL_MS);
  }
  throw new Error(`${what}: not done after ${TIMEOUT_MS / 1000} s`);
}

interface Cluster {
  id: string;
  status: string;
  status_reason?: string;
}

interface Run {
  create: number;
  novaActive: number;
  del: number;
  novaEmpty: number;
}

interface Service {
  name: string;
  url: string;
  profileId?: string;
  /** Clusters made and not yet seen gone, for the clean-up. */
  live: Set<string>;
}

async function makeProfile(s: Service): Promise<void> {
  const res = await call<{ profile: { id: string } }>('POST', `${s.url}/v1/profiles`, {
    profile: {
      name: `bench-real-nova-${Date.now().toString(36)}`,
      spec: {
        type: 'os.nova.server',
        version: '1.0',
        properties: { flavor: env.flavor, image: env.image, networks: [{ network: env.network }] },
      },
    },
  });
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`${s.name}: profile create: ${res.status} ${JSON.stringify(res.body)}`);
  s.profileId = res.body.profile.id;
}

/** Why a cluster's nodes are not ACTIVE, each reason once with how many nodes gave it. */
async function nodeReasons(s: Service, clusterId: string): Promise<string> {
  const res = await call<{ nodes: { status: string; status_reason?: string }[] }>(
    'GET',
    `${s.url}/v1/nodes?cluster_id=${clusterId}`,
  );
  if (res.status !== 200) return '';
  const count = new Map<string, number>();
  for (const n of res.body.nodes.filter((x) => x.status !== 'ACTIVE')) {
    const why = `${n.status}: ${String(n.status_reason)}`;
    count.set(why, (count.get(why) ?? 0) + 1);
  }
  return [...count].map(([why, n]) => `\n  ${n} node(s) ${why}`).join('');
}

async function createCluster(s: Service, run: number): Promise<{ id: string; create: number; novaActive: number }> {
  const t0 = process.hrtime.bigint();
  const res = await call<{ cluster: Cluster }>('POST', `${s.url}/v1/clusters`, {
    cluster: {
      name: `bench-real-nova-${run}-${Date.now().toString(36)}`,
      profile_id: s.profileId,
      desired_capacity: SIZE,
    },
  });
  if (res.status !== 202) throw new Error(`${s.name}: cluster create: ${res.status} ${JSON.stringify(res.body)}`);
  const id = res.body.cluster.id;
  s.live.add(id);
  made.add(id);
  // The cluster's ACTIVE and Nova's servers, watched at once; when one watch fails, the other stops.
  const halt = { done: false };
  const watch = (p: Promise<number>) =>
    p.catch((e: unknown) => {
      halt.done = true;
      throw e;
    });
  const [create, novaActive] = await Promise.all([
    watch(
      until(
        `${s.name}: cluster ${id} ACTIVE`,
        t0,
        async () => {
          const c = await call<{ cluster: Cluster }>('GET', `${s.url}/v1/clusters/${id}`);
          if (c.status !== 200) throw new Error(`${s.name}: cluster get: ${c.status} ${JSON.stringify(c.body)}`);
          const { status, status_reason } = c.body.cluster;
          if (status === 'ACTIVE') return true;
          if (['ERROR', 'WARNING', 'CRITICAL'].includes(status))
            throw new Error(
              `${s.name}: cluster ${id} went ${status}: ${String(status_reason)}${await nodeReasons(s, id)}`,
            );
          return false;
        },
        halt,
      ),
    ),
    watch(
      until(
        `${s.name}: ${SIZE} servers ACTIVE in Nova`,
        t0,
        async () => {
          const servers = await serversOf(id);
          return servers.length === SIZE && servers.every((v) => v.status === 'ACTIVE');
        },
        halt,
      ),
    ),
  ]);
  return { id, create, novaActive };
}

async function deleteCluster(s: Service, id: string): Promise<{ del: number; novaEmpty: number }> {
  const t0 = process.hrtime.bigint();
  const res = await call('DELETE', `${s.url}/v1/clusters/${id}`);
  if (res.status !== 202 && res.status !== 204)
    throw new Error(`${s.name}: cluster delete: ${res.status} ${JSON.stringify(res.body)}`);
  const del = await until(`${s.name}: cluster ${id} gone`, t0, async () => {
    const c = await call<{ cluster?: Cluster }>('GET', `${s.url}/v1/clusters/${id}`);
    if (c.status === 404) return true;
    if (c.body.cluster?.status === 'ERROR')
      throw new Error(`${s.name}: cluster ${id} delete went ERROR: ${String(c.body.cluster.status_reason)}`);
    return false;
  });
  s.live.delete(id);
  const novaEmpty = await until(`${s.name}: no server of ${id} left in Nova`, t0, async () => {
    return (await serversOf(id)).length === 0;
  });
  return { del, novaEmpty };
}

/**
 * Deletes what a failed run left: its clusters (Grove and Senlin delete their servers), then the
 * profile. A cluster still busy with its create (409) is asked again every 5 s for 10 minutes.
 */
async function cleanUp(s: Service): Promise<void> {
  for (const id of [...s.live]) {
    const deadline = Date.now() + 600_000;
    for (;;) {
      try {
        const c = await call('GET', `${s.url}/v1/clusters/${id}`);
        if (c.status !== 404) await deleteCluster(s, id);
        s.live.delete(id);
        break;
      } catch (e) {
        const busy = (e as Error).message.includes(': 409 ');
        if (!busy || Date.now() > deadline) {
          console.error(`${s.name}: could not delete cluster ${id}: ${(e as Error).message}`);
          break;
        }
        await sleep(5_000);
      }
    }
  }
  if (s.profileId) {
    const res = await call('DELETE', `${s.url}/v1/profiles/${s.profileId}`);
    if (res.status >= 300 && res.status !== 404)
      console.error(`${s.name}: profile delete: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

/** Every cluster made, Grove's and Senlin's: none of their servers may be left at the end. */
const made = new Set<string>();

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  process.env.GROVE_TEST_RUN ??= `bench${Date.now().toString(36)}`;
  const load0 = loadavg();
  console.log(await machine());
  console.log(`load average at the start: ${load0.map((l) => l.toFixed(2)).join(' ')}`);

  await ensureQuota();
  let grove: GroveProcesses | undefined;
  const services: Service[] = [];
  const results = new Map<string, Run[]>();
  try {
    grove = await startGroveProcesses({
      engines: 1,
      label: 'real-nova',
      env: {
        LOG_LEVEL: 'warn',
        AUTH_MODE: 'keystone',
        KEYSTONE_AUTH_URL: env.authUrl,
        KEYSTONE_USERNAME: env.serviceUser,
        KEYSTONE_PASSWORD: env.servicePassword,
        KEYSTONE_PROJECT_NAME: env.serviceProject,
        // The engine redeems alice's trust as the same service user.
        CLOUD_AUTH_URL: env.authUrl,
        CLOUD_USERNAME: env.serviceUser,
        CLOUD_PASSWORD: env.servicePassword,
        CLOUD_PROJECT_NAME: env.serviceProject,
        // Grove's defaults, not the tests' fast polling.
        CLOUD_POLL_MIN_MS: '100',
        CLOUD_POLL_MAX_MS: '5000',
      },
    });
    services.push(
      { name: 'Grove', url: grove.apiUrl, live: new Set() },
      { name: 'Senlin 14', url: env.senlinUrl.replace(/\/$/, ''), live: new Set() },
    );
    if (ONLY) services.splice(0, services.length, ...services.filter((s) => s.name.toLowerCase().startsWith(ONLY)));
    for (const s of services) {
      await makeProfile(s);
      results.set(s.name, []);
    }
    for (let run = 1; run <= RUNS; run++) {
      for (const s of services) {
        const c = await createCluster(s, run);
        const d = await deleteCluster(s, c.id);
        const r = { create: c.create, novaActive: c.novaActive, ...d };
        results.get(s.name)!.push(r);
        console.log(
          `${s.name.padEnd(10)} run ${run}/${RUNS}: create ${r.create.toFixed(2)} s (Nova all ACTIVE ${r.novaActive.toFixed(2)} s), ` +
            `delete ${r.del.toFixed(2)} s (Nova empty ${r.novaEmpty.toFixed(2)} s)`,
        );
      }
    }
  } catch (e) {
    if (grove) console.error(grove.logs(30));
    throw e;
  } finally {
    for (const s of services) await cleanUp(s);
    await grove?.stop();
  }

  const left = (await call<{ servers: Server[] }>('GET', `${env.novaUrl}/servers/detail`)).body.servers.filter((s) =>
    made.has(s.metadata?.cluster_id ?? ''),
  );
  const cell = (xs: number[]) => `${median(xs).toFixed(2)} / ${Math.min(...xs).toFixed(2)}`;
  const lines = [
    `bench/real-nova-cluster (${new Date().toISOString()}): ${SIZE} os.nova.server nodes, ${RUNS} runs each, ` +
      `seconds median / min; ${cpus().length} cores, load average ${load0.map((l) => l.toFixed(2)).join(' ')} at the start, ` +
      `${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} at the end`,
    '',
    '| service | create → ACTIVE | create → all servers ACTIVE in Nova | delete → gone | delete → no server in Nova |',
    '| --- | --- | --- | --- | --- |',
    ...[...results].map(
      ([name, rs]) =>
        `| ${name} | ${cell(rs.map((r) => r.create))} | ${cell(rs.map((r) => r.novaActive))} | ${cell(rs.map((r) => r.del))} | ${cell(rs.map((r) => r.novaEmpty))} |`,
    ),
    '',
    `Nova servers of these ${made.size} clusters left in project-a: ${left.length}`,
  ];
  console.log(`\n${lines.join('\n')}`);
  if (left.length) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
