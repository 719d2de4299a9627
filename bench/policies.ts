/**
 * bench/policies: what policies cost when a cluster grows. Run after `npm run build`:
 *
 *   npm run bench:policies              # 1000 nodes
 *   npm run bench:policies -- --quick   # 100 nodes
 *
 * Policies attach to a cluster that exists, so "a 1000-node cluster with policies" is a cluster
 * created empty, given a scaling, a deletion and a zone-placement policy, then scaled out by 1000:
 * every new node gets its zone from the plan. Printed next to it: the same scale-out without
 * policies, and the plain 1000-node create of bench/cluster-create. All-in-one shape, simulator
 * answering at once, local Postgres.
 */
import { actionOf, apiClient, type ApiClient } from '@grove/testing';
import { allInOne, ensureProfile, machine } from './support';

const SIZE = process.argv.includes('--quick') ? 100 : 1000;

async function ok<T = Record<string, unknown>>(
  api: ApiClient,
  method: string,
  path: string,
  body: unknown,
  want: number,
): Promise<T> {
  const res = await api.http<T>(method, path, { body });
  if (res.status !== want) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Seconds from the request to its action's SUCCEEDED. */
async function timed(api: ApiClient, send: () => ReturnType<ApiClient['http']>): Promise<number> {
  const t0 = process.hrtime.bigint();
  const res = await send();
  if (res.status !== 202) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
  const action = await api.waitForAction(actionOf(res), { timeoutMs: 600_000 });
  if (action.status !== 'SUCCEEDED') throw new Error(`ended ${String(action.status)}: ${String(action.status_reason)}`);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function emptyCluster(api: ApiClient, name: string): Promise<string> {
  const res = await api.http<{ cluster: { id: string } }>('POST', '/v1/clusters', {
    body: { cluster: { name, profile_id: 'bench', desired_capacity: 0 } },
  });
  await api.waitForAction(actionOf(res), { timeoutMs: 60_000 });
  return res.body.cluster.id;
}

async function withPolicies(api: ApiClient, clusterId: string): Promise<void> {
  const specs = [
    { type: 'senlin.policy.scaling', version: '1.0', properties: { event: 'CLUSTER_SCALE_OUT' } },
    { type: 'senlin.policy.deletion', version: '1.0', properties: { criteria: 'OLDEST_FIRST' } },
    {
      type: 'senlin.policy.zone_placement',
      version: '1.0',
      properties: { zones: [{ name: 'az1' }, { name: 'az2' }, { name: 'nova', weight: 50 }] },
    },
  ];
  for (const [i, spec] of specs.entries()) {
    const { policy } = await ok<{ policy: { id: string } }>(
      api,
      'POST',
      '/v1/policies',
      { policy: { name: `bench-${i}-${Date.now()}`, spec } },
      201,
    );
    await timed(api, () =>
      api.http('POST', `/v1/clusters/${clusterId}/actions`, { body: { policy_attach: { policy_id: policy.id } } }),
    );
  }
}

async function remove(api: ApiClient, id: string): Promise<void> {
  await timed(api, () => api.http('DELETE', `/v1/clusters/${id}`));
}

async function main(): Promise<void> {
  process.env.GROVE_TEST_RUN ??= `bench${Date.now().toString(36)}`;
  const lines = [await machine()];
  console.log(lines[0]);
  const shape = await allInOne();
  try {
    const api = apiClient(() => shape.apiUrl);
    await ensureProfile(api);
    const row = (what: string, s: number) => {
      lines.push(`${what.padEnd(62)} ${SIZE} nodes  ${s.toFixed(2).padStart(6)} s`);
      console.log(lines[lines.length - 1]);
    };

    let plainId = '';
    const create = async () => {
      const res = await api.http<{ cluster: { id: string } }>('POST', '/v1/clusters', {
        body: { cluster: { name: `plain-${Date.now()}`, profile_id: 'bench', desired_capacity: SIZE } },
      });
      plainId = res.body.cluster.id;
      return res;
    };
    row('cluster create, no policies', await timed(api, create));
    await remove(api, plainId);

    const bare = await emptyCluster(api, `bare-${Date.now()}`);
    const scaleOut = (id: string) => () =>
      api.http('POST', `/v1/clusters/${id}/actions`, { body: { scale_out: { count: SIZE } } });
    row('scale-out from 0, no policies', await timed(api, scaleOut(bare)));
    await remove(api, bare);

    const governed = await emptyCluster(api, `governed-${Date.now()}`);
    await withPolicies(api, governed);
    row('scale-out from 0, scaling + deletion + zone placement', await timed(api, scaleOut(governed)));
    await remove(api, governed);
  } finally {
    await shape.stop();
  }
  console.log(`\nbench/policies (${new Date().toISOString()})\n${lines.join('\n')}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
