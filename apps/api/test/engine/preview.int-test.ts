import { useGrove } from '../../src/testing/grove-harness';
import { clusterWorld } from './cluster-world';

const h = useGrove();
const { ended, succeeded, world, membersOf, serversOf, act } = clusterWorld(h);

async function attach(project: string, clusterId: string, name: string, spec: Record<string, unknown>) {
  const p = await h.http<{ policy: { id: string } }>('POST', '/v1/policies', {
    project,
    body: { policy: { name, spec } },
  });
  expect(p.status).toBe(201);
  await succeeded(project, await act(project, clusterId, { policy_attach: { policy_id: p.body.policy.id } }));
  return p.body.policy.id;
}

type Preview = {
  result: string;
  reason?: string;
  count: number;
  desired_capacity: number;
  victims: { id: string; name: string }[];
  placements: { zone?: string }[];
  zones: Record<string, number> | null;
  vetoed_by: { policy_name: string; reason: string } | null;
  load_balancer?: { members_to_add?: number; members_to_remove?: Record<string, string> };
  data: Record<string, unknown>;
};

const preview = async (project: string, clusterId: string, body: Record<string, Record<string, unknown>>) => {
  const [verb, data] = Object.entries(body)[0];
  const a = await h.http<{ preview: Preview }>('POST', `/v1/clusters/${clusterId}/actions`, {
    project,
    version: '1.15',
    body: { [verb]: { ...data, preview: true } },
  });
  expect(a.status).toBe(200);
  return a.body.preview;
};

const actionCount = async (clusterId: string) =>
  Number(
    (
      (await h.grove.dataSource.query(`SELECT count(*) AS n FROM action WHERE cluster_id = $1`, [clusterId])) as {
        n: string;
      }[]
    )[0].n,
  );

describe('previews (Grove, 1.15)', () => {
  it('name the victims a RANDOM deletion policy would take, in order, and the real scale-in takes exactly those', async () => {
    const { project, clusterId } = await world({ desired: 6 });
    await attach(project, clusterId, 'random', {
      type: 'senlin.policy.deletion',
      version: '1.0',
      properties: { criteria: 'RANDOM' },
    });
    const before = await actionCount(clusterId);
    const servers = (await serversOf(clusterId)).length;
    const p = await preview(project, clusterId, { scale_in: { count: 3 } });
    expect(p).toMatchObject({ result: 'OK', count: 3, desired_capacity: 3, vetoed_by: null });
    // Nothing happened: no action, no server gone.
    expect(await actionCount(clusterId)).toBe(before);
    expect((await serversOf(clusterId)).length).toBe(servers);

    const real = await succeeded(project, await act(project, clusterId, { scale_in: { count: 3 } }));
    expect((real.outputs as { nodes_removed: string[] }).nodes_removed).toEqual(p.victims.map((v) => v.id));
    expect((real.data as { deletion: { candidates: string[] } }).deletion.candidates).toEqual(
      p.victims.map((v) => v.id),
    );
  });

  it('show the zone plan of a scale-out and where each new node goes, as the real one places them', async () => {
    const { project, clusterId } = await world({ desired: 1 });
    await attach(project, clusterId, 'zones', {
      type: 'senlin.policy.zone_placement',
      version: '1.0',
      properties: {
        zones: [
          { name: 'az1', weight: 300 },
          { name: 'az2', weight: 100 },
        ],
      },
    });
    const p = await preview(project, clusterId, { scale_out: { count: 4 } });
    const real = await succeeded(project, await act(project, clusterId, { scale_out: { count: 4 } }));
    expect(p.zones).toEqual((real.data as { creation: { zones: unknown } }).creation.zones);
    const added = (real.outputs as { nodes_added: string[] }).nodes_added;
    const nodes = (await membersOf(project, clusterId)) as unknown as {
      id: string;
      data: { placement?: { zone?: string } };
    }[];
    const zoneOf = new Map(nodes.map((n) => [n.id, n.data.placement?.zone]));
    expect(p.placements.map((x) => x.zone).sort()).toEqual(added.map((id) => zoneOf.get(id)).sort());
  });

  it('say which policy would veto and why, in the words the real action fails with', async () => {
    const { project, clusterId } = await world({ desired: 2, min: 1 });
    await attach(project, clusterId, 'drop5', {
      type: 'senlin.policy.scaling',
      version: '1.0',
      properties: { event: 'CLUSTER_SCALE_IN', adjustment: { number: 5 } },
    });
    const p = await preview(project, clusterId, { scale_in: {} });
    expect(p.result).toBe('REFUSED');
    expect(p.vetoed_by).toMatchObject({ policy_name: 'drop5' });
    const real = await ended(project, await act(project, clusterId, { scale_in: {} }));
    expect(real.status).toBe('FAILED');
    expect(p.reason).toBe(real.status_reason);
  });

  it('list the load-balancer members that would be added and removed', async () => {
    const { project, clusterId } = await world({ desired: 2 });
    await attach(project, clusterId, 'lb', {
      type: 'senlin.policy.loadbalance',
      version: '1.0',
      properties: { pool: { subnet: 'private-subnet' }, vip: { subnet: 'private-subnet' } },
    });
    const members = () => (h.sim.admin.resources({ type: 'members' }).members ?? []).length;
    expect(members()).toBe(2);
    const grow = await preview(project, clusterId, { scale_out: { count: 2 } });
    expect(grow.load_balancer).toMatchObject({ members_to_add: 2 });
    const shrink = await preview(project, clusterId, { scale_in: { count: 1 } });
    expect(Object.keys(shrink.load_balancer?.members_to_remove ?? {})).toEqual(shrink.victims.map((v) => v.id));
    expect(members()).toBe(2);
  });

  it('answer ?preview=true on a webhook trigger, which then acts only when asked for real', async () => {
    const { project, clusterId } = await world({ desired: 3 });
    const r = await h.http<{ receiver: { id: string } }>('POST', '/v1/receivers', {
      project,
      body: {
        receiver: {
          name: 'shrink',
          type: 'webhook',
          cluster_id: clusterId,
          action: 'CLUSTER_SCALE_IN',
          params: { count: 2 },
        },
      },
    });
    expect(r.status).toBe(201);
    const before = await actionCount(clusterId);
    const p = await h.http<{ preview: Preview }>(
      'POST',
      `/v1/webhooks/${r.body.receiver.id}/trigger?V=2&preview=true`,
      {
        version: '1.15',
      },
    );
    expect(p.status).toBe(200);
    expect(p.body.preview).toMatchObject({ result: 'OK', count: 2, desired_capacity: 1 });
    expect(await actionCount(clusterId)).toBe(before);
    const real = await h.http('POST', `/v1/webhooks/${r.body.receiver.id}/trigger?V=2`, {});
    const done = await succeeded(project, real);
    expect((done.outputs as { nodes_removed: string[] }).nodes_removed).toEqual(
      p.body.preview.victims.map((v) => v.id),
    );
  });

  it('are refused below 1.15 like any unknown key, and answered with the same 4xx as the real request', async () => {
    const { project, clusterId } = await world({ desired: 1, max: 1 });
    const old = await h.http('POST', `/v1/clusters/${clusterId}/actions`, {
      project,
      version: '1.14',
      body: { scale_out: { count: 1, preview: true } },
    });
    expect(old.status).toBe(400);
    const bad = await h.http('POST', `/v1/clusters/${clusterId}/actions`, {
      project,
      version: '1.15',
      body: { scale_out: { count: 0, preview: true } },
    });
    expect(bad.status).toBe(400);
    const p = await preview(project, clusterId, { scale_out: { count: 1 } });
    expect(p).toMatchObject({
      result: 'REFUSED',
      reason: "The target capacity (2) is greater than the cluster's max_size (1).",
    });
  });
});
