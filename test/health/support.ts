import { Client } from 'pg';
import {
  actionOf,
  apiClient,
  startGroveProcesses,
  type ApiClient,
  type GroveProcess,
  type GroveProcesses,
} from '@grove/testing';

export const SERVER_SPEC = {
  type: 'os.nova.server',
  version: '1.0',
  properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk' },
};

/** A health policy checking every `interval` seconds by `mode` (node status polling) and recreating failed nodes. */
export const healthPolicy = (
  interval: number,
  mode: { type: string; options?: Record<string, unknown> } = { type: 'NODE_STATUS_POLLING' },
) => ({
  type: 'senlin.policy.health',
  version: '1.1',
  properties: {
    detection: { interval, node_update_timeout: 1, detection_modes: [mode] },
    recovery: { actions: [{ name: 'RECREATE' }] },
  },
});

/** What `f` returns once it returns something, polled; the processes' logs if it never does. */
export async function until<T>(
  grove: GroveProcesses,
  what: string,
  f: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms\n${grove.logs()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Puts a server in ERROR behind Grove's back, through the simulator's admin API. */
export async function breakServer(simUrl: string, id: string): Promise<void> {
  const res = await fetch(`${simUrl}/admin/servers/${id}/status`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ status: 'ERROR', fault: 'broken behind Grove’s back' }),
  });
  if (res.status !== 200) throw new Error(`the simulator answered ${res.status}`);
}

/** A gauge or counter of a process's /metrics, or undefined when it is not there. */
export async function metric(p: GroveProcess, line: RegExp): Promise<number | undefined> {
  const text = await (await fetch(`${p.url}/metrics`)).text();
  const m = text.match(line);
  return m ? Number(m[1]) : undefined;
}

/**
 * A cluster of `size` nodes of `profile` with a new health policy of `spec` attached; its id.
 * `version` is the microversion the policy is created at; `minSize` the cluster's min_size (0).
 */
export async function clusterWithPolicy(
  api: ApiClient,
  o: {
    name: string;
    profile: string;
    size: number;
    spec: Record<string, unknown>;
    version?: string;
    minSize?: number;
  },
): Promise<string> {
  const policy = await api.http<{ policy: { id: string } }>('POST', '/v1/policies', {
    version: o.version,
    body: { policy: { name: o.name, spec: o.spec } },
  });
  if (policy.status !== 201) throw new Error(`policy create answered ${policy.status}: ${JSON.stringify(policy.body)}`);
  const made = await api.http<{ cluster: { id: string } }>('POST', '/v1/clusters', {
    body: { cluster: { name: o.name, profile_id: o.profile, desired_capacity: o.size, min_size: o.minSize ?? 0 } },
  });
  await api.waitForAction(actionOf(made), { timeoutMs: 60_000 });
  const attached = await api.http('POST', `/v1/clusters/${made.body.cluster.id}/actions`, {
    body: { policy_attach: { policy_id: policy.body.policy.id } },
  });
  const done = await api.waitForAction(actionOf(attached));
  if (done.status !== 'SUCCEEDED')
    throw new Error(`policy attach ${String(done.status)}: ${String(done.status_reason)}`);
  return made.body.cluster.id;
}

/** The NODE_RECOVER actions of a cluster, straight from the database. */
export async function recoveriesOf(grove: GroveProcesses, clusterId: string): Promise<{ target: string }[]> {
  const db = new Client({ connectionString: grove.dbUrl });
  await db.connect();
  try {
    return (
      await db.query<{ target: string }>(
        `SELECT target FROM action WHERE action = 'NODE_RECOVER' AND cluster_id = $1`,
        [clusterId],
      )
    ).rows;
  } finally {
    await db.end();
  }
}

/**
 * Grove's processes for one test file: started before its tests, with health checks allowed
 * every second, and stopped after them. `h.grove` and `h.api` are valid inside the tests.
 */
export function useHealthGrove(env: Record<string, string> = {}): { readonly grove: GroveProcesses; api: ApiClient } {
  let grove: GroveProcesses | undefined;
  const started = (): GroveProcesses => {
    if (!grove) throw new Error('Grove is not started yet');
    return grove;
  };
  const h = {
    get grove(): GroveProcesses {
      return started();
    },
    api: apiClient(() => started().apiUrl),
  };
  beforeAll(async () => {
    grove = await startGroveProcesses({ engines: 1, env: { HEALTH_CHECK_INTERVAL_MIN_S: '1', ...env } });
  }, 120_000);
  afterAll(async () => {
    await grove?.stop();
  }, 60_000);
  return h;
}
