import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { actionOf, apiClient, type ApiClient } from './api-client';
import { deleteTestQueues } from './broker';
import { groveLeftovers, serversOf, setSimulatorConfig } from './cloud';
import { consistency, type Consistency } from './consistency';
import { startGroveProcesses, type GroveProcesses } from './processes';

/**
 * The faults of issue 7, each injected from outside into real processes (two engines, the
 * simulator with latency so that the operation lasts long enough to interrupt). The same
 * definitions run as tests (test/faults) and as a benchmark that repeats them and prints a table
 * (bench/faults.ts).
 */
export interface FaultScenario {
  name: string;
  /** What is under way when the fault hits. */
  operation: 'create' | 'scale-out' | 'scale-in';
  /** Nodes the operation creates or deletes. */
  nodes: number;
  /** The cluster action's timeout, in seconds: it must end within it. */
  timeoutS: number;
  env?: Record<string, string>;
  /** Grove reaches Postgres and RabbitMQ through proxies that `fault` may take down. */
  proxies?: boolean;
  /** Simulator knobs while the operation runs (they are reset before the cleanup). */
  simulator: Record<string, unknown>;
  /** Injects the fault once the operation is under way (a quarter of its servers made or gone). */
  fault(grove: GroveProcesses): Promise<void>;
  /** Lines an engine must have logged, proving the fault hit work in flight (engine index, text). */
  evidence?: { engine: number; text: string }[];
  /** Undoes what the fault left (a paused process resumed), whatever happened. */
  undo?(grove: GroveProcesses): void;
}

export interface FaultRun extends Consistency {
  scenario: string;
  /** From the request to the cluster action's end. */
  seconds: number;
  status: string;
  statusReason: string;
  /** Node actions that ended FAILED, and the reasons of the first few. */
  failedNodeActions: number;
  failedReasons: string[];
  /** Cloud requests the simulator answered while the operation ran, and how many it failed on purpose. */
  cloud: { requests: number; injectedFailures: number };
  /** Evidence lines (see FaultScenario.evidence) that no engine logged. */
  evidenceMissing: string[];
  /** What of Grove's the simulator still held after every cluster was deleted. */
  leftAfterDelete: { servers: number; ports: number; floatingIps: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SPEC = {
  type: 'os.nova.server',
  version: '1.0',
  properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk' },
};
/** Scale-in starts from this many more nodes than it deletes. */
const KEPT_AFTER_SCALE_IN = 20;

async function untilTrue(what: string, check: () => Promise<boolean>, timeoutMs: number, grove: GroveProcesses) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not after ${timeoutMs} ms\n${grove.logs()}`);
    await sleep(20);
  }
}

async function succeeded(api: ApiClient, answer: Parameters<typeof actionOf>[0], grove: GroveProcesses) {
  const action = await api.waitForAction(actionOf(answer), { timeoutMs: 120_000 });
  if (action.status !== 'SUCCEEDED')
    throw new Error(
      `setup ${String(action.action)} ${String(action.status)}: ${String(action.status_reason)}\n${grove.logs()}`,
    );
}

/** Runs one scenario on its own processes and database, and reports what it left behind. */
export async function runFaultScenario(s: FaultScenario): Promise<FaultRun> {
  const grove = await startGroveProcesses({ engines: 2, env: s.env, proxies: s.proxies, label: 'faults' });
  const api = apiClient(() => grove.apiUrl);
  try {
    const profile = await api.http('POST', '/v1/profiles', { body: { profile: { name: 'faults', spec: SPEC } } });
    if (profile.status !== 201) throw new Error(`profile create answered ${profile.status}`);
    const start = s.operation === 'scale-in' ? s.nodes + KEPT_AFTER_SCALE_IN : 0;
    const max = s.nodes + KEPT_AFTER_SCALE_IN;
    let clusterId: string;
    let answer: Parameters<typeof actionOf>[0];
    let t0: number;
    if (s.operation === 'create') {
      await setSimulatorConfig(grove.simUrl, s.simulator);
      t0 = Date.now();
      answer = await api.http<{ cluster: { id: string } }>('POST', '/v1/clusters', {
        body: {
          cluster: {
            name: 'faults',
            profile_id: 'faults',
            desired_capacity: s.nodes,
            max_size: max,
            timeout: s.timeoutS,
          },
        },
      });
      clusterId = (answer.body as { cluster: { id: string } }).cluster.id;
    } else {
      const made = await api.http<{ cluster: { id: string } }>('POST', '/v1/clusters', {
        body: {
          cluster: {
            name: 'faults',
            profile_id: 'faults',
            desired_capacity: start,
            max_size: max,
            timeout: s.timeoutS,
          },
        },
      });
      await succeeded(api, made, grove);
      clusterId = made.body.cluster.id;
      await setSimulatorConfig(grove.simUrl, s.simulator);
      t0 = Date.now();
      const body = s.operation === 'scale-out' ? { scale_out: { count: s.nodes } } : { scale_in: { count: s.nodes } };
      answer = await api.http('POST', `/v1/clusters/${clusterId}/actions`, { body });
    }
    if (answer.status !== 202)
      throw new Error(`${s.operation} answered ${answer.status}: ${JSON.stringify(answer.body)}`);

    const quarter = Math.ceil(s.nodes / 4);
    await untilTrue(
      'a quarter of the work done',
      async () => {
        const n = (await serversOf(grove.simUrl, clusterId)).length;
        return s.operation === 'scale-in' ? n <= start - quarter : n >= quarter;
      },
      60_000,
      grove,
    );
    try {
      await s.fault(grove);
    } finally {
      s.undo?.(grove);
    }

    const action = await api.waitForAction(actionOf(answer), { timeoutMs: s.timeoutS * 1000 + 30_000 });
    const seconds = (Date.now() - t0) / 1000;
    // Children end with their parent; the scan ends any a lost write left open. Allow it a moment.
    let after = await consistency(grove.dbUrl, grove.simUrl, clusterId);
    const settled = Date.now() + 30_000;
    while ((after.unfinished.length || after.stuck.length) && Date.now() < settled) {
      await sleep(500);
      after = await consistency(grove.dbUrl, grove.simUrl, clusterId);
    }
    const db = new Client({ connectionString: grove.dbUrl });
    await db.connect();
    const { rows: failed } = await db
      .query<{ status_reason: string }>(
        `SELECT status_reason FROM action WHERE status = 'FAILED' AND action LIKE 'NODE_%'`,
      )
      .finally(() => db.end());

    const stats = (await (await fetch(`${grove.simUrl}/admin/stats`)).json()) as {
      total: number;
      injected_failures: number;
    };

    // The fault is over: every cluster goes, and with it everything Grove made in the cloud.
    await setSimulatorConfig(grove.simUrl, { failure_rate: 0, latency_ms: 0, build_time_ms: 0, delete_time_ms: 0 });
    const deleted = await api.http('DELETE', `/v1/clusters/${clusterId}`);
    if (deleted.status !== 202)
      throw new Error(`cluster delete answered ${deleted.status}: ${JSON.stringify(deleted.body)}`);
    await api.waitForAction(actionOf(deleted), { timeoutMs: 120_000 });
    return {
      scenario: s.name,
      seconds,
      status: String(action.status),
      statusReason: String(action.status_reason ?? ''),
      failedNodeActions: failed.length,
      failedReasons: [...new Set(failed.map((f) => f.status_reason))].slice(0, 5),
      cloud: { requests: stats.total, injectedFailures: stats.injected_failures },
      evidenceMissing: (s.evidence ?? [])
        .filter((e) => !readFileSync(grove.engines[e.engine].logFile, 'utf8').includes(e.text))
        .map((e) => `engine-${e.engine + 1}: ${e.text}`),
      ...after,
      leftAfterDelete: await groveLeftovers(grove.simUrl),
    };
  } finally {
    s.undo?.(grove);
    await grove.stop();
  }
}

const DEAD_AFTER_S = 5;
const TOOK_OVER = { engine: 1, text: 'took over an action of a dead engine' };

/** Every scenario's action must end within three minutes; twenty actions at once per engine unless said. */
const scenario = (s: Omit<FaultScenario, 'timeoutS'> & { timeoutS?: number }): FaultScenario => ({
  timeoutS: 180,
  ...s,
  env: { ENGINE_CONCURRENCY: '20', ...s.env },
});
const killFirstEngine = async (g: GroveProcesses) => {
  g.engines[0].child.kill('SIGKILL');
};

/** The faults named in issue 7, with the sizes it names, by name. */
export const FAULT_SCENARIOS: Record<string, FaultScenario> = Object.fromEntries(
  [
    scenario({
      name: 'engine SIGKILL, 300-node create',
      operation: 'create',
      nodes: 300,
      env: { ENGINE_CONCURRENCY: '50' },
      simulator: { build_time_ms: 1500, latency_ms: 20 },
      fault: killFirstEngine,
      evidence: [TOOK_OVER],
    }),
    scenario({
      name: 'engine SIGKILL, 100-node scale-in',
      operation: 'scale-in',
      nodes: 100,
      simulator: { delete_time_ms: 1500, latency_ms: 20 },
      fault: killFirstEngine,
      evidence: [TOOK_OVER],
    }),
    scenario({
      name: 'engine SIGSTOP for 2× dead-after, 300-node create',
      operation: 'create',
      nodes: 300,
      env: { SERVICE_DEAD_AFTER_S: String(DEAD_AFTER_S) },
      // Short cloud calls, so that many of the frozen engine's actions are between a database step
      // and a cloud call when it stops.
      simulator: { build_time_ms: 0, latency_ms: 100 },
      fault: async (g) => {
        g.engines[0].child.kill('SIGSTOP');
        await sleep(2 * DEAD_AFTER_S * 1000);
        g.engines[0].child.kill('SIGCONT');
      },
      undo: (g) => {
        g.engines[0]?.child.kill('SIGCONT');
      },
      // On waking, the frozen engine saw that it had been away too long and dropped what it had.
      evidence: [TOOK_OVER, { engine: 0, text: 'heartbeat lease ran out' }],
    }),
    scenario({
      name: 'RabbitMQ stopped 10 s, 100-node scale-out',
      operation: 'scale-out',
      nodes: 100,
      proxies: true,
      simulator: { build_time_ms: 1000, latency_ms: 20 },
      // The broker goes away, and its queues (and the messages in them) with it, as when a node
      // without persistent state restarts: Grove must declare them again and lose no action.
      fault: async (g) => {
        await g.brokerProxy!.down();
        await deleteTestQueues(g.prefix);
        await sleep(10_000);
        await g.brokerProxy!.up();
      },
    }),
    scenario({
      name: 'Postgres restart, 100-node scale-out',
      operation: 'scale-out',
      nodes: 100,
      proxies: true,
      simulator: { build_time_ms: 1000, latency_ms: 20 },
      // Every session cut, and no connection possible for 5 s: what a restart looks like to a client.
      fault: (g) => g.dbProxy!.outage(5_000),
    }),
    scenario({
      name: 'Postgres sessions terminated ×3, 100-node scale-out',
      operation: 'scale-out',
      nodes: 100,
      simulator: { build_time_ms: 200, latency_ms: 50 },
      fault: async (g) => {
        const admin = new Client({ connectionString: g.dbUrl });
        await admin.connect();
        try {
          for (let i = 0; i < 3; i++) {
            await admin.query(
              `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND application_name = 'grove-engine' AND pid <> pg_backend_pid()`,
            );
            await sleep(400);
          }
        } finally {
          await admin.end();
        }
      },
    }),
    scenario({
      name: '20 % cloud calls failing, 100-node create',
      operation: 'create',
      nodes: 100,
      // A hung call is given up after 2 s rather than the default minute, and a read is tried up to
      // 7 times rather than 4 (CLOUD_RETRIES), as an operator would set for a cloud this flaky.
      env: { CLOUD_REQUEST_TIMEOUT_MS: '2000', CLOUD_RETRIES: '6' },
      simulator: {
        build_time_ms: 500,
        latency_ms: 20,
        failure_rate: 0.2,
        failure_kinds: ['500', '502', '503', '504', '429', 'timeout'],
      },
      // The failures run from the start; nothing more to inject.
      fault: async () => undefined,
    }),
  ].map((s) => [s.name, s]),
);
