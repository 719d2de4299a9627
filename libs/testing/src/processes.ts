import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from '@grove/core';
import { deleteTestQueues, TEST_AMQP_URL, testQueuePrefix } from './broker';
import { TEST_SEALING_KEY } from './sealing-key';
import { createEmptyDatabase, dropTestDatabase } from './database';
import { FaultProxy } from './fault-proxy';

/** The repository root (where package.json is), from source or from dist. */
function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) || existsSync(join(dir, 'project.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root');
    dir = up;
  }
  return dir;
}
const ROOT = repoRoot();

export { freePort };

export interface GroveProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** Its ops (or api) base URL. */
  url: string;
}

export interface GroveProcesses {
  apiUrl: string;
  simUrl: string;
  simAuthUrl: string;
  simDockerPort: number;
  /** The test database, directly (not through the proxy). */
  dbUrl: string;
  prefix: string;
  /** With `proxies`: what Grove's processes reach Postgres and RabbitMQ through, to stop either. */
  dbProxy?: FaultProxy;
  brokerProxy?: FaultProxy;
  engines: GroveProcess[];
  healthManagers: GroveProcess[];
  all: GroveProcess[];
  /** The last lines each process logged, for a failing test's message. */
  logs(lines?: number): string;
  /** Starts one more engine. */
  addEngine(): Promise<GroveProcess>;
  stop(): Promise<void>;
}

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  child?: ChildProcess,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${what}: the process exited with ${child.exitCode}`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: not ready after ${timeoutMs} ms`);
}

const ok = async (url: string) => (await fetch(url)).status === 200;

/**
 * Grove as it runs in production: the built apps (npm run build) as separate processes, one api,
 * `engines` engines and a health-manager, on real Postgres (a fresh database migrated with
 * `npm run migrate`) and RabbitMQ (queues of their own), with a cloud simulator process.
 */
export async function startGroveProcesses(
  o: {
    engines?: number;
    healthManagers?: number;
    env?: Record<string, string>;
    label?: string;
    proxies?: boolean;
  } = {},
): Promise<GroveProcesses> {
  const dir = mkdtempSync(join(tmpdir(), 'grove-e2e-'));
  const db = await createEmptyDatabase(o.label ?? 'e2e');
  const hostPort = (url: string, port: number) => ({
    host: new URL(url).hostname,
    port: Number(new URL(url).port || port),
  });
  const dbProxy = o.proxies ? await FaultProxy.start(hostPort(db.url, 5432)) : undefined;
  const brokerProxy = o.proxies ? await FaultProxy.start(hostPort(TEST_AMQP_URL, 5672)) : undefined;
  const prefix = testQueuePrefix(o.label ?? 'e2e');
  const procs: GroveProcess[] = [];
  const [simPort, dockerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const common: Record<string, string> = {
    DATABASE_URL: dbProxy?.rewrite(db.url) ?? db.url,
    AMQP_URL: brokerProxy?.rewrite(TEST_AMQP_URL) ?? TEST_AMQP_URL,
    AMQP_PREFIX: prefix,
    AMQP_QUEUE_EXPIRES_S: '300',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'info',
    HEARTBEAT_INTERVAL_S: '1',
    SERVICE_DEAD_AFTER_S: '5',
    SCAN_INTERVAL_S: '1',
    READY_RESCAN_AFTER_S: '3',
    OPS_HOST: '127.0.0.1',
    CLOUD_AUTH_URL: `http://127.0.0.1:${simPort}/identity/v3`,
    CLOUD_PASSWORD: 'secret',
    CLOUD_POLL_MIN_MS: '20',
    CLOUD_POLL_MAX_MS: '500',
    GROVE_SECRET_KEY: TEST_SEALING_KEY,
    ...o.env,
  };

  const start = async (
    name: string,
    script: string,
    env: Record<string, string>,
    ready: string,
  ): Promise<GroveProcess> => {
    const logFile = join(dir, `${name}.log`);
    const out = createWriteStream(logFile);
    const child = spawn(process.execPath, [join(ROOT, script)], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...common, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(out);
    child.stderr!.pipe(out);
    const p = { name, child, logFile, url: ready.replace(/\/[a-z]+$/, '') };
    procs.push(p);
    await waitFor(name, () => ok(ready), 30_000, child);
    return p;
  };

  // The migration's own report is kept out of test and bench output unless it fails.
  const migrated = spawn(process.execPath, [join(ROOT, 'dist/libs/db/src/migrate.js')], {
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: db.url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let migrateOutput = '';
  for (const stream of [migrated.stdout!, migrated.stderr!]) stream.on('data', (d: Buffer) => (migrateOutput += d));
  await new Promise<void>((resolve, reject) =>
    migrated.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`npm run migrate exited with ${code}: ${migrateOutput}`)),
    ),
  );

  await start(
    'cloud-simulator',
    'dist/apps/cloud-simulator/src/main.js',
    { SIMULATOR_PORT: String(simPort), SIMULATOR_DOCKER_PORT: String(dockerPort), SIMULATOR_HOST: '127.0.0.1' },
    `http://127.0.0.1:${simPort}/identity/v3`,
  );
  await start(
    'api',
    'dist/apps/api/src/main.js',
    { API_PORT: String(apiPort), API_HOST: '127.0.0.1' },
    `http://127.0.0.1:${apiPort}/healthz`,
  );
  const engines: GroveProcess[] = [];
  const addEngine = async () => {
    const port = await freePort();
    const e = await start(
      `engine-${engines.length + 1}`,
      'dist/apps/engine/src/main.js',
      { OPS_PORT: String(port) },
      `http://127.0.0.1:${port}/readyz`,
    );
    engines.push(e);
    return e;
  };
  for (let i = 0; i < (o.engines ?? 1); i++) await addEngine();
  const healthManagers: GroveProcess[] = [];
  for (let i = 0; i < (o.healthManagers ?? 1); i++) {
    const port = await freePort();
    healthManagers.push(
      await start(
        i === 0 ? 'health-manager' : `health-manager-${i + 1}`,
        'dist/apps/health-manager/src/main.js',
        { OPS_PORT: String(port) },
        `http://127.0.0.1:${port}/readyz`,
      ),
    );
  }
  await waitFor('api readiness', () => ok(`http://127.0.0.1:${apiPort}/readyz`), 30_000);

  return {
    apiUrl: `http://127.0.0.1:${apiPort}`,
    simUrl: `http://127.0.0.1:${simPort}`,
    simAuthUrl: common.CLOUD_AUTH_URL,
    simDockerPort: dockerPort,
    dbUrl: db.url,
    prefix,
    dbProxy,
    brokerProxy,
    engines,
    healthManagers,
    all: procs,
    addEngine,
    logs(lines = 40) {
      return procs
        .map((p) => {
          const text = readFileSync(p.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
          return `----- ${p.name} (${p.logFile}) -----\n${text}`;
        })
        .join('\n');
    },
    async stop() {
      await Promise.all(
        procs.map(
          (p) =>
            new Promise<void>((resolve) => {
              if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
              const t = setTimeout(() => p.child.kill('SIGKILL'), 15_000);
              p.child.once('exit', () => {
                clearTimeout(t);
                resolve();
              });
              p.child.kill('SIGTERM');
            }),
        ),
      );
      await dbProxy?.close();
      await brokerProxy?.close();
      await dropTestDatabase(db.name);
      await deleteTestQueues(prefix);
    },
  };
}

export interface AllInOneProcess {
  apiUrl: string;
  simUrl: string;
  child: ChildProcess;
  /** Everything it printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with its exit code once it has ended. */
  exited: Promise<number | null>;
  /** Resolves once its api answers /readyz; rejects, with what it printed, if it ends first. */
  ready(timeoutMs?: number): Promise<void>;
  /** SIGTERM, then its exit code. */
  stop(): Promise<number | null>;
}

/**
 * `node <root>/dist/apps/api/src/main.js --all-in-one` as a newcomer's `npm start` runs it: from
 * `root` (a checkout), with nothing configured but free ports and `env`, so that it embeds its
 * Postgres, bus and simulated cloud.
 */
export async function spawnAllInOne(o: { root: string; env?: Record<string, string> }): Promise<AllInOneProcess> {
  const [apiPort, simPort, dockerPort] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(process.execPath, [join(o.root, 'dist/apps/api/src/main.js'), '--all-in-one'], {
    cwd: o.root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/',
      API_PORT: String(apiPort),
      API_HOST: '127.0.0.1',
      SIMULATOR_PORT: String(simPort),
      SIMULATOR_DOCKER_PORT: String(dockerPort),
      CLOUD_POLL_MIN_MS: '20',
      CLOUD_POLL_MAX_MS: '200',
      ...o.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  return {
    apiUrl,
    simUrl: `http://127.0.0.1:${simPort}`,
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    ready: (timeoutMs = 60_000) =>
      waitFor('all-in-one', () => ok(`${apiUrl}/readyz`), timeoutMs, child).catch((e: Error) => {
        throw new Error(`${e.message}\n--- stdout\n${out}\n--- stderr\n${err}`);
      }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.kill('SIGTERM');
        await exited;
        clearTimeout(t);
      }
      return exited;
    },
  };
}
