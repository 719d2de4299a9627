/**
 * bench/health: how long from a server failing behind Grove's back to its replacement being
 * ACTIVE, for each detection mode, with `interval: 1` on the zero-latency simulator (api, an
 * engine and a health-manager as separate processes on RabbitMQ). Run after `npm run build`:
 *
 *   npm run bench:health                  # 20 failures per mode
 *   npm run bench:health -- --failures 5
 *
 * A failure is, per mode: the server put in ERROR (NODE_STATUS_POLLING), the node's URL answering
 * something else than OK (NODE_STATUS_POLL_URL), the server stopped, which Nova announces
 * (LIFECYCLE_EVENTS), the server's compute host taken down (HYPERVISOR_STATUS_POLLING). The clock
 * stops when the simulator shows the node's new server ACTIVE.
 *
 *   npm run bench:health -- --scale 1000  # also: 1,000 clusters of 10 nodes polled every 10 s
 *
 * With --scale, the health-manager's CPU (from /proc) and memory over 60 s of checking, and how
 * late its checks start (its grove_health_check_lag_seconds histogram).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import amqp from 'amqplib';
import { actionOf, apiClient, startGroveProcesses, TEST_AMQP_URL, type ApiClient } from '@grove/testing';
import { machine } from './support';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const FAILURES = Number(arg('--failures') ?? 20);
const SCALE = Number(arg('--scale') ?? 0);
const SCALE_NODES = 10;
const OBSERVE_S = 60;
const RUN = crypto.randomUUID().slice(0, 8);
const NOVA = `grove-bench.nova.${RUN}`;
const HEAT = `grove-bench.heat.${RUN}`;

interface Listed {
  id: string;
  host: string;
  status: string;
  metadata: Record<string, string>;
}

/** One detection mode under test: how a failure is made, and undone once its node is replaced. */
interface Mode {
  mode: string;
  options?: Record<string, unknown>;
  fail(s: Listed, node: { name: string }): Promise<void>;
  heal(s: Listed, node: { name: string }): Promise<void>;
}

const pct = (n: number, of: number) => (of ? `${((100 * n) / of).toFixed(0)} %` : '-');

/** The health-manager's check-lag histogram: cumulative bucket counts, count and sum. */
async function lagBuckets(url: string): Promise<{ le: Record<string, number>; count: number; sum: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const le: Record<string, number> = {};
  for (const m of text.matchAll(/^grove_health_check_lag_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm))
    le[m[1]] = Number(m[2]);
  const count = Number(/^grove_health_check_lag_seconds_count (\d+)$/m.exec(text)?.[1] ?? 0);
  const sum = Number(/^grove_health_check_lag_seconds_sum ([\d.e+-]+)$/m.exec(text)?.[1] ?? 0);
  return { le, count, sum };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)];

async function main(): Promise<void> {
  console.log(`bench/health on ${await machine()}, ${FAILURES} failures per mode\n`);
  const sick = new Set<string>();
  const app = createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '').split('/').pop() ?? '');
    res.end(sick.has(name) ? 'FAILING' : 'OK');
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  const pollUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/health/{nodename}`;
  const grove = await startGroveProcesses({
    engines: 1,
    label: 'bench',
    env: {
      HEALTH_CHECK_INTERVAL_MIN_S: '1',
      // The scale run makes one project's 1,000 clusters; the default quota is 100.
      MAX_CLUSTERS_PER_PROJECT: String(Math.max(SCALE + 10, 100)),
      SIMULATOR_NOTIFICATIONS_AMQP_URL: TEST_AMQP_URL,
      SIMULATOR_NOTIFICATIONS_NOVA_EXCHANGE: NOVA,
      SIMULATOR_NOTIFICATIONS_HEAT_EXCHANGE: HEAT,
      HEALTH_NOVA_EXCHANGE: NOVA,
      HEALTH_HEAT_EXCHANGE: HEAT,
      LOG_LEVEL: 'warn',
    },
  });
  const api = apiClient(() => grove.apiUrl);
  const servers = async (clusterId: string): Promise<Listed[]> => {
    const res = await fetch(`${grove.simUrl}/admin/resources?type=servers&metadata.cluster_id=${clusterId}`);
    return ((await res.json()) as { servers: Listed[] }).servers;
  };
  const admin = (path: string, method: string, body: unknown) =>
    fetch(`${grove.simUrl}/admin/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  try {
    await api.http('POST', '/v1/profiles', {
      body: {
        profile: {
          name: 'bench',
          spec: {
            type: 'os.nova.server',
            version: '1.0',
            properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk' },
          },
        },
      },
    });
    const modes: Mode[] = [
      {
        mode: 'NODE_STATUS_POLLING',
        fail: async (s) => void (await admin(`servers/${s.id}/status`, 'POST', { status: 'ERROR' })),
        heal: async () => undefined,
      },
      {
        mode: 'NODE_STATUS_POLL_URL',
        options: {
          poll_url: pollUrl,
          poll_url_healthy_response: '^OK$',
          poll_url_retry_limit: 1,
          poll_url_retry_interval: 0,
        },
        fail: async (_s, node) => void sick.add(node.name),
        heal: async (_s, node) => void sick.delete(node.name),
      },
      {
        mode: 'LIFECYCLE_EVENTS',
        fail: async (s) => void (await admin(`servers/${s.id}/status`, 'POST', { status: 'SHUTOFF' })),
        heal: async () => undefined,
      },
      {
        mode: 'HYPERVISOR_STATUS_POLLING',
        fail: async (s) => void (await admin(`hypervisors/${s.host}`, 'PUT', { state: 'down' })),
        heal: async (s) => void (await admin(`hypervisors/${s.host}`, 'PUT', { state: 'up' })),
      },
    ];
    console.log('| detection mode | failures | p50 to replacement ACTIVE | max |');
    console.log('| --- | --- | --- | --- |');
    for (const m of modes) {
      const times = await measure(api, m, servers);
      console.log(`| ${m.mode} | ${times.length} | ${percentile(times, 0.5)} ms | ${Math.max(...times)} ms |`);
    }
    if (SCALE) await scale();
  } finally {
    await grove.stop();
    app.close();
    const conn = await amqp.connect(TEST_AMQP_URL);
    const ch = await conn.createChannel();
    for (const x of [NOVA, HEAT]) await ch.deleteExchange(x);
    await conn.close();
  }

  /** CPU seconds (user + system) and resident memory of a process, from /proc. */
  function usage(pid: number): { cpuS: number; rssMb: number } {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const ticks = Number(stat[11]) + Number(stat[12]);
    const rssPages = Number(stat[21]);
    return { cpuS: ticks / 100, rssMb: (rssPages * 4096) / 1024 / 1024 };
  }

  async function scale(): Promise<void> {
    const policy = await api.http<{ policy: { id: string } }>('POST', '/v1/policies', {
      body: {
        policy: {
          name: 'scale',
          spec: {
            type: 'senlin.policy.health',
            version: '1.1',
            properties: {
              detection: { interval: 10, detection_modes: [{ type: 'NODE_STATUS_POLLING' }] },
              recovery: { actions: [{ name: 'RECREATE' }] },
            },
          },
        },
      },
    });
    const t0 = Date.now();
    const ids: string[] = [];
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < SCALE; i++) {
      inFlight.push(
        (async () => {
          const made = await api.http<{ cluster: { id: string } }>('POST', '/v1/clusters', {
            body: { cluster: { name: `scale-${i}`, profile_id: 'bench', desired_capacity: SCALE_NODES } },
          });
          if (made.status !== 202)
            throw new Error(`cluster create answered ${made.status}: ${JSON.stringify(made.body)}`);
          await api.waitForAction(actionOf(made), { timeoutMs: 600_000 });
          ids.push(made.body.cluster.id);
          const attached = await api.http('POST', `/v1/clusters/${made.body.cluster.id}/actions`, {
            body: { policy_attach: { policy_id: policy.body.policy.id } },
          });
          await api.waitForAction(actionOf(attached), { timeoutMs: 600_000 });
        })(),
      );
      if (inFlight.length >= 20) await Promise.all(inFlight.splice(0));
    }
    await Promise.all(inFlight);
    console.log(
      `${SCALE} clusters of ${SCALE_NODES} nodes made and registered in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
    );
    const hm = grove.healthManagers[0];
    // Let it take them all and settle into its rhythm, then watch.
    await sleep(15_000);
    const lagBefore = await lagBuckets(hm.url);
    const before = usage(hm.child.pid!);
    await sleep(OBSERVE_S * 1000);
    const after = usage(hm.child.pid!);
    const lagAfter = await lagBuckets(hm.url);
    const text = await (await fetch(`${hm.url}/metrics`)).text();
    const held = /^grove_health_held_clusters (\d+)$/m.exec(text)?.[1];
    const overdue = /^grove_health_checks_overdue_seconds ([\d.e+-]+)$/m.exec(text)?.[1];
    const count = lagAfter.count - lagBefore.count;
    const under = (le: string) => (lagAfter.le[le] ?? 0) - (lagBefore.le[le] ?? 0);
    console.log(
      `\n| ${SCALE} clusters × ${SCALE_NODES} nodes, interval 10 s, one health-manager | over ${OBSERVE_S} s |`,
    );
    console.log('| --- | --- |');
    console.log(`| clusters held | ${held} |`);
    console.log(`| CPU | ${(((after.cpuS - before.cpuS) / OBSERVE_S) * 100).toFixed(1)} % of one core |`);
    console.log(`| memory (RSS) | ${after.rssMb.toFixed(0)} MB |`);
    console.log(`| checks started | ${count} (${(count / OBSERVE_S).toFixed(1)}/s; ${SCALE / 10}/s is on time) |`);
    console.log(
      `| started late by ≤ 0.5 s / ≤ 1 s / ≤ 5 s | ${pct(under('0.5'), count)} / ${pct(under('1'), count)} / ${pct(under('5'), count)} |`,
    );
    console.log(`| mean lateness | ${count ? ((lagAfter.sum - lagBefore.sum) / count).toFixed(2) : '-'} s |`);
    console.log(`| most overdue check at the end | ${Number(overdue ?? 0).toFixed(2)} s |\n`);
    for (const id of ids) await api.http('DELETE', `/v1/clusters/${id}`);
  }

  async function measure(
    client: ApiClient,
    m: Mode,
    list: (clusterId: string) => Promise<Listed[]>,
  ): Promise<number[]> {
    const name = m.mode.toLowerCase().replaceAll('_', '-');
    const policy = await client.http<{ policy: { id: string } }>('POST', '/v1/policies', {
      body: {
        policy: {
          name,
          spec: {
            type: 'senlin.policy.health',
            version: '1.1',
            properties: {
              detection: {
                interval: 1,
                node_update_timeout: 1,
                detection_modes: [{ type: m.mode, ...(m.options ? { options: m.options } : {}) }],
              },
              recovery: { actions: [{ name: 'RECREATE' }] },
            },
          },
        },
      },
    });
    const made = await client.http<{ cluster: { id: string } }>('POST', '/v1/clusters', {
      body: { cluster: { name, profile_id: 'bench', desired_capacity: 1 } },
    });
    await client.waitForAction(actionOf(made));
    const clusterId = made.body.cluster.id;
    await client.waitForAction(
      actionOf(
        await client.http('POST', `/v1/clusters/${clusterId}/actions`, {
          body: { policy_attach: { policy_id: policy.body.policy.id } },
        }),
      ),
    );
    await sleep(3_000);
    const times: number[] = [];
    for (let i = 0; i < FAILURES; i++) {
      const [s] = await list(clusterId);
      const { body } = await client.http<{ node: { name: string } }>('GET', `/v1/nodes/${s.metadata.cluster_node_id}`);
      const t0 = Date.now();
      await m.fail(s, body.node);
      for (;;) {
        const [now] = await list(clusterId);
        if (now && now.id !== s.id && now.status === 'ACTIVE') break;
        if (Date.now() - t0 > 60_000) throw new Error(`${m.mode}: no replacement within 60 s`);
        await sleep(10);
      }
      times.push(Date.now() - t0);
      await m.heal(s, body.node);
      // Past node_update_timeout, so that the next failure is checked at once.
      await sleep(1_200);
    }
    return times;
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
