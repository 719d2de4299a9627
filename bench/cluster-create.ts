/**
 * bench/cluster-create: how long Grove takes from `POST /v1/clusters` to the create action's
 * SUCCEEDED, and how fast it serves `GET /v1/clusters/{id}`. Run after `npm run build`:
 *
 *   npm run bench:cluster-create              # both shapes, every size and latency
 *   npm run bench:cluster-create -- --quick   # 100 nodes only
 *
 * Shapes: all-in-one (one process: api, engine, health-manager, in-process bus, in-process cloud
 * simulator) and split (api, two engines, health-manager and the simulator as separate processes on
 * RabbitMQ). Both use the local Postgres (a fresh database each). "Latency" is the simulator's
 * delay on every Nova call (its `services.compute.latency_ms` knob): with 500 ms, creating one
 * server costs at least a second (the create call, then a status poll).
 */
import autocannon from 'autocannon';
import { actionOf, apiClient, type ApiClient } from '@grove/testing';
import { allInOne, ensureProfile, machine, setLatency, split, type Shape } from './support';

const quick = process.argv.includes('--quick');
const SIZES = quick ? [100] : [100, 1000];
const LATENCIES = [0, 500];

/** Seconds from POST /v1/clusters to the create action's SUCCEEDED, and the cluster's id. */
async function timeCreate(api: ApiClient, size: number): Promise<{ seconds: number; id: string }> {
  const t0 = process.hrtime.bigint();
  const res = await api.http<{ cluster: { id: string } }>('POST', '/v1/clusters', {
    body: { cluster: { name: `bench-${size}-${Date.now()}`, profile_id: 'bench', desired_capacity: size } },
  });
  if (res.status !== 202) throw new Error(`cluster create: ${res.status} ${JSON.stringify(res.body)}`);
  const action = await api.waitForAction(actionOf(res), { timeoutMs: 600_000 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (action.status !== 'SUCCEEDED')
    throw new Error(`create of ${size} ended ${String(action.status)}: ${String(action.status_reason)}`);
  return { seconds, id: res.body.cluster.id };
}

async function deleteCluster(api: ApiClient, id: string): Promise<void> {
  const res = await api.http('DELETE', `/v1/clusters/${id}`);
  const action = await api.waitForAction(actionOf(res), { timeoutMs: 600_000 });
  if (action.status !== 'SUCCEEDED')
    throw new Error(`delete ended ${String(action.status)}: ${String(action.status_reason)}`);
}

async function measureGets(url: string): Promise<{ rps: number; p99: number; p50: number; errors: number }> {
  // Warm-up first: JIT compilation and each pooled connection's prepared statements.
  await autocannon({ url, connections: 16, duration: 3 });
  const r = await autocannon({ url, connections: 16, duration: 10 });
  return {
    rps: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx,
  };
}

async function bench(shape: Shape): Promise<string[]> {
  const api = apiClient(() => shape.apiUrl);
  const lines: string[] = [];
  await ensureProfile(api);
  for (const latency of LATENCIES) {
    await setLatency(shape.simUrl, latency);
    for (const size of SIZES) {
      const { seconds, id } = await timeCreate(api, size);
      lines.push(
        `${shape.name.padEnd(42)} latency ${String(latency).padStart(3)} ms  ${String(size).padStart(4)} nodes  ${seconds.toFixed(2).padStart(6)} s`,
      );
      console.log(lines[lines.length - 1]);
      await deleteCluster(api, id);
    }
  }
  await setLatency(shape.simUrl, 0);
  for (const size of SIZES) {
    const { id } = await timeCreate(api, size);
    const g = await measureGets(`${shape.apiUrl}/v1/clusters/${id}`);
    lines.push(
      `${shape.name.padEnd(42)} GET /v1/clusters/{id} (${size} nodes), 16 clients: ${g.rps} req/s, p50 ${g.p50} ms, p99 ${g.p99} ms, errors ${g.errors}`,
    );
    console.log(lines[lines.length - 1]);
    await deleteCluster(api, id);
  }
  return lines;
}

async function main(): Promise<void> {
  process.env.GROVE_TEST_RUN ??= `bench${Date.now().toString(36)}`;
  const results: string[] = [await machine()];
  console.log(results[0]);
  for (const start of [allInOne, split]) {
    const shape = await start();
    try {
      results.push(...(await bench(shape)));
    } finally {
      await shape.stop();
    }
  }
  console.log(`\nbench/cluster-create (${new Date().toISOString()})\n${results.join('\n')}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
