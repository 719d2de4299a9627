import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  type Stats,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { StartupError, type Logger } from '@grove/core';
import type { PostgresBinaries } from './embedded-postgres';

/** Who runs Postgres when Grove runs as root. */
export interface RunAs {
  name: string;
  uid: number;
  gid: number;
}

const PG_USER = 'postgres';

/**
 * Postgres refuses to run as root, so as root it runs as user `postgres` (created when missing).
 * That user must reach its binaries and its data directory, and a checkout under /root or in a
 * `mktemp -d` directory (both mode 0700) is closed to it. Where it is:
 * - the binaries are copied once to `<systemDir>/postgres-<version>` (owned by root, readable by all);
 * - the data lives in `<systemDir>/data/<path>-<random>`, owned by postgres, and `dataDir` becomes a
 *   symbolic link to it, so the data persists and is found again through GROVE_DATA_DIR.
 * Binaries and data that user can reach stay where they are. Whether it can is asked of the kernel
 * (a probe run as that user), so ACLs and odd modes are answered right.
 */
export async function placeForRoot(o: {
  bins: PostgresBinaries;
  dataDir: string;
  systemDir: string;
  log: Logger;
}): Promise<{ bins: PostgresBinaries; dataDir: string; runAs: RunAs }> {
  const runAs = postgresUser(o.log);
  const bins = await reachableBinaries(o.bins, o.systemDir, runAs, o.log);
  const dataDir = await reachableDataDir(o.dataDir, o.systemDir, runAs, o.log);
  return { bins, dataDir, runAs };
}

/** A user's name for messages, or `uid N` when it has none. */
export function ownerName(uid: number): string {
  try {
    return `user ${execFileSync('id', ['-nu', String(uid)], { encoding: 'utf8', stdio: 'pipe' }).trim()}`;
  } catch {
    return `uid ${uid}`;
  }
}

function lookup(name: string): RunAs | undefined {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: 'pipe' }).trim());
    return { name, uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

function postgresUser(log: Logger): RunAs {
  const found = lookup(PG_USER);
  if (found) return found;
  const hasGroup = (() => {
    try {
      execFileSync('getent', ['group', PG_USER], { stdio: 'pipe' });
      return true;
    } catch {
      return false;
    }
  })();
  // A system user as Debian's postgresql package makes it, so that installing that package later reuses it.
  const args = ['--system', '--home-dir', '/var/lib/postgresql', '--no-create-home', '--shell', '/usr/sbin/nologin'];
  try {
    execFileSync('useradd', [...args, ...(hasGroup ? ['-g', PG_USER] : ['--user-group']), PG_USER], { stdio: 'pipe' });
  } catch (e) {
    const why = String((e as { stderr?: Buffer }).stderr ?? (e as Error).message).trim();
    throw new StartupError(
      `Postgres refuses to run as root and there is no user ${PG_USER} to run it as (useradd: ${why || 'failed'}); create one (useradd --system ${PG_USER}), or run Grove as an ordinary user.`,
    );
  }
  const made = lookup(PG_USER);
  if (!made) throw new StartupError(`User ${PG_USER} was created but cannot be found; run Grove as an ordinary user.`);
  log.info({ user: PG_USER }, `created user ${PG_USER} to run the embedded Postgres (Postgres refuses to run as root)`);
  return made;
}

/** Whether `user` can run this Postgres binary: it starts, finds its libraries and answers --version. */
function canRun(user: RunAs, bin: string): Promise<boolean> {
  return new Promise((done) => {
    const child = spawn(bin, ['--version'], { uid: user.uid, gid: user.gid, stdio: 'ignore' });
    child.on('error', () => done(false));
    child.on('close', (code) => done(code === 0));
  });
}

/** Whether `user` can enter `dir` (every directory on the way needs search permission for it). */
function canEnter(user: RunAs, dir: string): Promise<boolean> {
  return new Promise((done) => {
    // Node changes directory before it changes user, so a `cwd` option would not tell; a shell run as the user does.
    const child = spawn('/bin/sh', ['-c', 'cd -- "$1"', 'grove-probe', dir], {
      uid: user.uid,
      gid: user.gid,
      stdio: 'ignore',
    });
    child.on('error', () => done(false));
    child.on('close', (code) => done(code === 0));
  });
}

const closed = (user: RunAs, dir: string) =>
  new StartupError(
    `User ${user.name}, which runs the embedded Postgres when Grove runs as root, cannot enter ${dir}; set GROVE_SYSTEM_DIR to a directory it can enter (it and every directory above it need o+x), or run Grove as an ordinary user.`,
  );

/** mkdir -p, with the directories it makes open to all for reading and search whatever the umask. */
function mkdirShared(dir: string): void {
  let first: string | undefined;
  try {
    first = mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new StartupError(
      `Cannot create ${dir} for the embedded Postgres (${(e as NodeJS.ErrnoException).code}); set GROVE_SYSTEM_DIR to a directory root can write.`,
    );
  }
  if (!first) return;
  for (let d = dir; ; d = dirname(d)) {
    chmodSync(d, 0o755);
    if (d === first || d === dirname(d)) break;
  }
}

async function reachableBinaries(
  bins: PostgresBinaries,
  systemDir: string,
  user: RunAs,
  log: Logger,
): Promise<PostgresBinaries> {
  if (await canRun(user, bins.postgres)) return bins;
  const home = join(systemDir, `postgres-${bins.version}`);
  const copy = {
    ...bins,
    home,
    initdb: join(home, relative(bins.home, bins.initdb)),
    postgres: join(home, relative(bins.home, bins.postgres)),
  };
  if (await canRun(user, copy.postgres)) return copy;
  mkdirShared(systemDir);
  try {
    // Copied beside, then renamed: a start interrupted half-way leaves no half copy in its place.
    const tmp = mkdtempSync(join(systemDir, '.postgres-'));
    cpSync(bins.home, tmp, { recursive: true, verbatimSymlinks: true });
    chmodSync(tmp, 0o755);
    rmSync(home, { recursive: true, force: true });
    renameSync(tmp, home);
  } catch (e) {
    throw new StartupError(
      `Cannot copy the Postgres binaries to ${home} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); set GROVE_SYSTEM_DIR to a directory root can write.`,
    );
  }
  if (!(await canRun(user, copy.postgres))) throw closed(user, systemDir);
  log.info(
    { from: bins.home, to: home },
    `user ${user.name} cannot reach the Postgres binaries in node_modules, so they were copied to ${home}`,
  );
  return copy;
}

function lstat(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

async function reachableDataDir(dataDir: string, systemDir: string, user: RunAs, log: Logger): Promise<string> {
  const parent = dirname(dataDir);
  try {
    mkdirSync(parent, { recursive: true });
  } catch (e) {
    throw new StartupError(
      `Cannot create ${parent} for the embedded Postgres's data (${(e as NodeJS.ErrnoException).code}); set GROVE_DATA_DIR to a directory you can write.`,
    );
  }
  const here = lstat(dataDir);
  if (here?.isSymbolicLink()) {
    const target = resolve(parent, readlinkSync(dataDir));
    mkdirShared(dirname(target));
    if (await canEnter(user, dirname(target))) return target;
    throw new StartupError(
      `${dataDir} links to ${target}, which user ${user.name} cannot reach; let it in (o+x on every directory above it), or remove the link to start afresh.`,
    );
  }
  if (await canEnter(user, parent)) return dataDir;
  if (here && !(here.isDirectory() && readdirSync(dataDir).length === 0))
    throw new StartupError(
      `User ${user.name}, which runs the embedded Postgres when Grove runs as root, cannot enter ${parent}, and ${dataDir} already exists there; let it in (o+x on ${parent} and every directory above it), or set GROVE_DATA_DIR to start afresh elsewhere.`,
    );
  // An empty directory is what an earlier start that failed here left behind.
  if (here) rmSync(dataDir, { recursive: true });

  const stores = join(systemDir, 'data');
  mkdirShared(stores);
  if (!(await canEnter(user, stores))) throw closed(user, stores);
  const label = dataDir
    .replace(/^[/\\]+/, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .slice(-80);
  const store = join(stores, `${label}-${randomBytes(4).toString('hex')}`);
  mkdirSync(store, { mode: 0o700 });
  chownSync(store, user.uid, user.gid);
  symlinkSync(store, dataDir);
  log.info(
    { dataDir, store },
    `user ${user.name} cannot enter ${parent}, so the embedded Postgres keeps its data in ${store} (linked from ${dataDir})`,
  );
  return store;
}
