/**
 * bench/webhook-trigger: how long a webhook trigger takes to answer, and from the trigger to its
 * scale-out by one node being SUCCEEDED, with and without a load-balancing policy on the cluster,
 * in the all-in-one shape (one process, in-process bus) and the split one (api, two engines and
 * health-manager on RabbitMQ). Run after `npm run build`:
 *
 *   npm run bench:webhook-trigger              # both shapes, 200 triggers each
 *   npm run bench:webhook-trigger -- --quick   # all-in-one, 30 triggers
 *
 * The simulator answers at once, so the figures are Grove's own: the trigger's request, the
 * announcement, the claims, the node's create, the policies and the parent's wake-up. The end of
 * an action is read from its own `end_time` (the same clock), so a slow poll of the client adds
 * nothing to the figure and takes no CPU from Grove.
 */
import { apiClient, type ApiClient } from '@grove/testing';
import { allInOne, ensureProfile, machine, split, type Shape } from './support';

const quick = process.argv.includes('--quick');
const TRIGGERS = quick ? 30 : 200;
const WARMUP = 5;

async function must<T>(what: string, p: Promise<{ status: number; body: T }>, status: number): Promise<T> {
  const a = await p;
  if (a.status !== status) throw new Error(`${what}: ${a.status} ${JSON.stringify(a.body)}`);
  return a.body;
}

/** The action's end, as epoch milliseconds of its own end_time, once it has ended SUCCEEDED. */
async function endedAt(api: ApiClient, id: string): Promise<number> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
    const { body } = await api.http<{ action: { status: string; end_time: number | null } }>(
      'GET',
      `/v1/actions/${id}`,
    );
    const { status, end_time: end } = body.action;
    if (status === 'SUCCEEDED' && end !== null) return end * 1000;
    if (status === 'FAILED' || status === 'CANCELLED') throw new Error(`scale-out ${status}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`action ${id} did not end`);
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)];

async function cluster(api: ApiClient, name: string, lb: boolean): Promise<string> {
  const created = await must<{ cluster: { id: string } }>(
    'cluster',
    api.http('POST', '/v1/clusters', { body: { cluster: { name, profile_id: 'bench', desired_capacity: 0 } } }),
    202,
  );
  const id = created.cluster.id;
  await api.waitForAction(
    (await api.http<{ actions: { id: string }[] }>('GET', `/v1/actions?target=${id}`)).body.actions[0].id,
  );
  if (lb) {
    const { policy } = await must<{ policy: { id: string } }>(
      'policy',
      api.http('POST', '/v1/policies', {
        body: {
          policy: {
            name: `${name}-lb`,
            spec: {
              type: 'senlin.policy.loadbalance',
              version: '1.0',
              properties: { pool: { subnet: 'private-subnet' }, vip: { subnet: 'private-subnet' } },
            },
          },
        },
      }),
      201,
    );
    const attach = await must<{ action: string }>(
      'attach',
      api.http('POST', `/v1/clusters/${id}/actions`, { body: { policy_attach: { policy_id: policy.id } } }),
      202,
    );
    await api.waitForAction(attach.action);
  }
  return id;
}

async function bench(shape: Shape, lb: boolean): Promise<string> {
  const api = apiClient(() => shape.apiUrl);
  const name = `hook-${lb ? 'lb' : 'plain'}-${Date.now()}`;
  const clusterId = await cluster(api, name, lb);
  const receiver = await must<{ receiver: { channel: { alarm_url: string } } }>(
    'receiver',
    api.http('POST', '/v1/receivers', {
      body: {
        receiver: { name, type: 'webhook', cluster_id: clusterId, action: 'CLUSTER_SCALE_OUT', params: { count: 1 } },
      },
    }),
    201,
  );
  const answer: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < TRIGGERS + WARMUP; i++) {
    const t0 = Date.now();
    const p0 = performance.now();
    const res = await fetch(receiver.receiver.channel.alarm_url, { method: 'POST' });
    const answered = performance.now() - p0;
    const body = (await res.json()) as { action: string };
    if (res.status !== 202) throw new Error(`trigger: ${res.status} ${JSON.stringify(body)}`);
    const end = await endedAt(api, body.action);
    // The first few warm up the JIT and the pools.
    if (i >= WARMUP) {
      answer.push(answered);
      total.push(end - t0);
    }
  }
  const f = (xs: number[]) => `p50 ${percentile(xs, 0.5).toFixed(1)} ms, p99 ${percentile(xs, 0.99).toFixed(1)} ms`;
  return `${shape.name.padEnd(42)} ${lb ? 'LB policy ' : 'no policy '} answered: ${f(answer)}; → SUCCEEDED: ${f(total)} (${TRIGGERS} triggers)`;
}

async function main(): Promise<void> {
  process.env.GROVE_TEST_RUN ??= `bench${Date.now().toString(36)}`;
  const lines: string[] = [await machine()];
  console.log(lines[0]);
  for (const start of quick ? [allInOne] : [allInOne, split]) {
    const shape = await start();
    try {
      await ensureProfile(apiClient(() => shape.apiUrl));
      for (const lb of [false, true]) {
        lines.push(await bench(shape, lb));
        console.log(lines[lines.length - 1]);
      }
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
