/**
 * bench/cluster-create: how long Grove takes from `POST /v1/clusters` to the create action's
 * SUCCEEDED, and how fast it serves `GET /v1/clusters/{id}`. Run after `npm run build`:
 *
 *   npm run bench:cluster-create              # both shapes, every size and latency
 *   npm run bench:cluster-create -- --quick   # 100 nodes only
 *
 * Shapes: all-in-one (one process: api, engine, health-manager, in-process bus, in-process cloud
 * simulator) and split (api, two engines, health-manager and the simulator as separate processes on
 * RabbitMQ). Both use the local Postgres (a fresh database each). "Latency" is the simulator's
 * delay on every Nova call (its `services.compute.latency_ms` knob): with 500 ms, creating one
 * server costs at least a second (the create call, then a status poll).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { cpus } from 'node:os';
import autocannon from 'autocannon';
import { Client } from 'pg';
import {
  actionOf,
  apiClient,
  createEmptyDatabase,
  dropTestDatabase,
  freePort,
  startGroveProcesses,
  TEST_PG_URL,
  type ApiClient,
} from '@grove/testing';

const quick = process.argv.includes('--quick');
const SIZES = quick ? [100] : [100, 1000];
const LATENCIES = [0, 500];
const ROOT = join(__dirname, '../..');

interface Shape {
  name: string;
  apiUrl: string;
  simUrl: string;
  stop(): Promise<void>;
}

async function waitReady(url: string, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`process exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready`);
}

async function allInOne(): Promise<Shape> {
  const db = await createEmptyDatabase('bench');
  const [apiPort, simPort, dockerPort] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(process.execPath, [join(ROOT, 'dist/apps/api/src/main.js'), '--all-in-one'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: db.url,
      API_PORT: String(apiPort),
      API_HOST: '127.0.0.1',
      SIMULATOR_PORT: String(simPort),
      SIMULATOR_DOCKER_PORT: String(dockerPort),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitReady(`http://127.0.0.1:${apiPort}/readyz`, child);
  return {
    name: 'all-in-one',
    apiUrl: `http://127.0.0.1:${apiPort}`,
    simUrl: `http://127.0.0.1:${simPort}`,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await dropTestDatabase(db.name);
    },
  };
}

async function split(): Promise<Shape> {
  const g = await startGroveProcesses({ engines: 2, label: 'bench', env: { LOG_LEVEL: 'warn' } });
  return { name: 'split (api + 2 engines + health-manager)', apiUrl: g.apiUrl, simUrl: g.simUrl, stop: () => g.stop() };
}

async function setLatency(simUrl: string, ms: number): Promise<void> {
  const res = await fetch(`${simUrl}/admin/config`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ services: { compute: { latency_ms: ms } } }),
  });
  if (res.status >= 300) throw new Error(`simulator config: ${res.status} ${await res.text()}`);
}

async function ensureProfile(api: ApiClient): Promise<void> {
  const res = await api.http('POST', '/v1/profiles', {
    body: {
      profile: {
        name: 'bench',
        spec: {
          type: 'os.nova.server',
          version: '1.0',
          properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk', networks: [{ network: 'private' }] },
        },
      },
    },
  });
  if (res.status !== 201) throw new Error(`profile create: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Seconds from POST /v1/clusters to the create action's SUCCEEDED, and the cluster's id. */
async function timeCreate(api: ApiClient, size: number): Promise<{ seconds: number; id: string }> {
  const t0 = process.hrtime.bigint();
  const res = await api.http<{ cluster: { id: string } }>('POST', '/v1/clusters', {
    body: { cluster: { name: `bench-${size}-${Date.now()}`, profile_id: 'bench', desired_capacity: size } },
  });
  if (res.status !== 202) throw new Error(`cluster create: ${res.status} ${JSON.stringify(res.body)}`);
  const action = await api.waitForAction(actionOf(res), { timeoutMs: 600_000 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (action.status !== 'SUCCEEDED')
    throw new Error(`create of ${size} ended ${String(action.status)}: ${String(action.status_reason)}`);
  return { seconds, id: res.body.cluster.id };
}

async function deleteCluster(api: ApiClient, id: string): Promise<void> {
  const res = await api.http('DELETE', `/v1/clusters/${id}`);
  const action = await api.waitForAction(actionOf(res), { timeoutMs: 600_000 });
  if (action.status !== 'SUCCEEDED')
    throw new Error(`delete ended ${String(action.status)}: ${String(action.status_reason)}`);
}

async function measureGets(url: string): Promise<{ rps: number; p99: number; p50: number; errors: number }> {
  // Warm-up first: JIT compilation and each pooled connection's prepared statements.
  await autocannon({ url, connections: 16, duration: 3 });
  const r = await autocannon({ url, connections: 16, duration: 10 });
  return {
    rps: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx,
  };
}

async function bench(shape: Shape): Promise<string[]> {
  const api = apiClient(() => shape.apiUrl);
  const lines: string[] = [];
  await ensureProfile(api);
  for (const latency of LATENCIES) {
    await setLatency(shape.simUrl, latency);
    for (const size of SIZES) {
      const { seconds, id } = await timeCreate(api, size);
      lines.push(
        `${shape.name.padEnd(42)} latency ${String(latency).padStart(3)} ms  ${String(size).padStart(4)} nodes  ${seconds.toFixed(2).padStart(6)} s`,
      );
      console.log(lines[lines.length - 1]);
      await deleteCluster(api, id);
    }
  }
  await setLatency(shape.simUrl, 0);
  for (const size of SIZES) {
    const { id } = await timeCreate(api, size);
    const g = await measureGets(`${shape.apiUrl}/v1/clusters/${id}`);
    lines.push(
      `${shape.name.padEnd(42)} GET /v1/clusters/{id} (${size} nodes), 16 clients: ${g.rps} req/s, p50 ${g.p50} ms, p99 ${g.p99} ms, errors ${g.errors}`,
    );
    console.log(lines[lines.length - 1]);
    await deleteCluster(api, id);
  }
  return lines;
}

/**
 * How fast this machine is at what Grove does most, so that figures taken on different machines
 * (or on one machine on a busy day) can be compared: a fixed amount of JSON work, and Postgres
 * round trips on one connection.
 */
async function machine(): Promise<string> {
  const view = { cluster: { id: 'x', nodes: Array.from({ length: 1000 }, () => crypto.randomUUID()) } };
  const t0 = performance.now();
  for (let i = 0; i < 2000; i++) JSON.parse(JSON.stringify(view));
  const jsonMs = performance.now() - t0;
  const pg = new Client({ connectionString: `${TEST_PG_URL}/postgres` });
  await pg.connect();
  let n = 0;
  const t1 = performance.now();
  try {
    while (performance.now() - t1 < 2_000) {
      await pg.query('SELECT 1');
      n++;
    }
  } finally {
    await pg.end();
  }
  const perSecond = (n / (performance.now() - t1)) * 1000;
  return `machine: ${cpus().length} cores; 2000 JSON round trips of a 1000-node view in ${jsonMs.toFixed(0)} ms; Postgres SELECT 1 on one connection ${perSecond.toFixed(0)}/s`;
}

async function main(): Promise<void> {
  process.env.GROVE_TEST_RUN ??= `bench${Date.now().toString(36)}`;
  const results: string[] = [await machine()];
  console.log(results[0]);
  for (const start of [allInOne, split]) {
    const shape = await start();
    try {
      results.push(...(await bench(shape)));
    } finally {
      await shape.stop();
    }
  }
  console.log(`\nbench/cluster-create (${new Date().toISOString()})\n${results.join('\n')}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
