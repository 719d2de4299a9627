/**
 * bench/webhook-trigger: how long a webhook trigger takes to answer, and from the trigger to its
 * scale-out by one node being SUCCEEDED, in the all-in-one shape (one process, in-process bus) and
 * the split one (api, two engines and health-manager on RabbitMQ). Run after `npm run build`:
 *
 *   npm run bench:webhook-trigger              # both shapes, 40 triggers each
 *   npm run bench:webhook-trigger -- --quick   # all-in-one, 15 triggers
 *
 * The simulator answers at once, so the figures are Grove's own: the trigger's request, the
 * announcement, an engine's claim, the node's create and the parent's wake-up.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  apiClient,
  createEmptyDatabase,
  dropTestDatabase,
  freePort,
  startGroveProcesses,
  type ApiClient,
} from '@grove/testing';

const quick = process.argv.includes('--quick');
const TRIGGERS = quick ? 15 : 40;
const ROOT = join(__dirname, '../..');

interface Shape {
  name: string;
  apiUrl: string;
  stop(): Promise<void>;
}

async function waitReady(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
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
  const db = await createEmptyDatabase('benchhook');
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
  await waitReady(`http://127.0.0.1:${apiPort}/readyz`);
  return {
    name: 'all-in-one',
    apiUrl: `http://127.0.0.1:${apiPort}`,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await dropTestDatabase(db.name);
    },
  };
}

async function split(): Promise<Shape> {
  const g = await startGroveProcesses({ engines: 2, label: 'benchhook', env: { LOG_LEVEL: 'warn' } });
  return { name: 'split (api + 2 engines + health-manager)', apiUrl: g.apiUrl, stop: () => g.stop() };
}

async function must<T>(what: string, p: Promise<{ status: number; body: T }>, status: number): Promise<T> {
  const a = await p;
  if (a.status !== status) throw new Error(`${what}: ${a.status} ${JSON.stringify(a.body)}`);
  return a.body;
}

/** Polls an action often, so the end is seen within a few milliseconds of happening. */
async function ended(api: ApiClient, id: string): Promise<string> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
    const { body } = await api.http<{ action: { status: string } }>('GET', `/v1/actions/${id}`);
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(body.action.status)) return body.action.status;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`action ${id} did not end`);
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)];

async function bench(shape: Shape): Promise<string> {
  const api = apiClient(() => shape.apiUrl);
  const spec = {
    type: 'os.nova.server',
    version: '1.0',
    properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk' },
  };
  await must('profile', api.http('POST', '/v1/profiles', { body: { profile: { name: 'hook', spec } } }), 201);
  const cluster = await must<{ cluster: { id: string } }>(
    'cluster',
    api.http('POST', '/v1/clusters', { body: { cluster: { name: 'hook', profile_id: 'hook', desired_capacity: 0 } } }),
    202,
  );
  const receiver = await must<{ receiver: { channel: { alarm_url: string } } }>(
    'receiver',
    api.http('POST', '/v1/receivers', {
      body: {
        receiver: {
          name: 'hook',
          type: 'webhook',
          cluster_id: cluster.cluster.id,
          action: 'CLUSTER_SCALE_OUT',
          params: { count: 1 },
        },
      },
    }),
    201,
  );
  await new Promise((r) => setTimeout(r, 500)); // the cluster's (empty) create is over
  const answer: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < TRIGGERS + 3; i++) {
    const t0 = performance.now();
    const res = await fetch(receiver.receiver.channel.alarm_url, { method: 'POST' });
    const t1 = performance.now();
    const body = (await res.json()) as { action: string };
    if (res.status !== 202) throw new Error(`trigger: ${res.status} ${JSON.stringify(body)}`);
    const status = await ended(api, body.action);
    if (status !== 'SUCCEEDED') throw new Error(`scale-out ${status}`);
    if (i >= 3) {
      // The first few warm up the JIT and the pools.
      answer.push(t1 - t0);
      total.push(performance.now() - t0);
    }
  }
  const f = (xs: number[]) => `p50 ${percentile(xs, 0.5).toFixed(1)} ms, p90 ${percentile(xs, 0.9).toFixed(1)} ms`;
  return `${shape.name.padEnd(42)} trigger answered: ${f(answer)}; trigger → scale-out(1) SUCCEEDED: ${f(total)} (${TRIGGERS} triggers)`;
}

async function main(): Promise<void> {
  process.env.GROVE_TEST_RUN ??= `bench${Date.now().toString(36)}`;
  const lines: string[] = [];
  for (const start of quick ? [allInOne] : [allInOne, split]) {
    const shape = await start();
    try {
      lines.push(await bench(shape));
      console.log(lines[lines.length - 1]);
    } finally {
      await shape.stop();
    }
  }
  console.log(`\nbench/webhook-trigger (${new Date().toISOString()})\n${lines.join('\n')}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
