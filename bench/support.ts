/**
 * What the bench scripts share: Grove started in either shape on the local Postgres, the
 * simulator's latency knob, the bench profile, and a reading of how fast the machine is.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { Client } from 'pg';
import {
  createEmptyDatabase,
  dropTestDatabase,
  freePort,
  startGroveProcesses,
  TEST_PG_URL,
  type ApiClient,
} from '@grove/testing';

const ROOT = join(__dirname, '../..');

export interface Shape {
  name: string;
  apiUrl: string;
  simUrl: string;
  stop(): Promise<void>;
}

export async function waitReady(url: string, child?: ChildProcess): Promise<void> {
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

export async function allInOne(): Promise<Shape> {
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

export async function split(): Promise<Shape> {
  const g = await startGroveProcesses({ engines: 2, label: 'bench', env: { LOG_LEVEL: 'warn' } });
  return { name: 'split (api + 2 engines + health-manager)', apiUrl: g.apiUrl, simUrl: g.simUrl, stop: () => g.stop() };
}

export async function setLatency(simUrl: string, ms: number): Promise<void> {
  const res = await fetch(`${simUrl}/admin/config`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ services: { compute: { latency_ms: ms } } }),
  });
  if (res.status >= 300) throw new Error(`simulator config: ${res.status} ${await res.text()}`);
}

export async function ensureProfile(api: ApiClient): Promise<void> {
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

/**
 * How fast this machine is at what Grove does most, so that figures taken on different machines
 * (or on one machine on a busy day) can be compared: a fixed amount of JSON work, and Postgres
 * round trips on one connection.
 */
export async function machine(): Promise<string> {
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
