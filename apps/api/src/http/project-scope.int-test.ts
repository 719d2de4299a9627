import { freshProject, make } from '@grove/testing';
import { useGrove } from '../testing/grove-harness';
import { expectFault } from '../testing/senlin-answers';

/** Non-admins see their own project only; another project's objects do not exist for them. */
const h = useGrove();
const ds = () => h.grove.dataSource;

/** A profile, a cluster with one member, an action and an event, all in one project. */
async function owned() {
  const project = freshProject();
  const profile = await make.profile(ds(), { project });
  const cluster = await make.cluster(ds(), { project, profileId: profile.id, desiredCapacity: 1 });
  const node = await make.node(ds(), { project, profileId: profile.id, clusterId: cluster.id, index: 1 });
  // Owned by an engine whose heartbeat stays fresh for the whole file (it is an hour ahead), so the
  // live engine's scan never takes the action over and runs it while these tests look at it.
  const owner = await make.service(ds(), -3600);
  const action = await make.action(ds(), {
    project,
    target: cluster.id,
    clusterId: cluster.id,
    status: 'RUNNING',
    owner: owner.id,
    action: 'CLUSTER_CHECK',
  });
  const event = await make.event(ds(), { project, oid: cluster.id, oname: cluster.name, clusterId: cluster.id });
  return { project, profile, cluster, node, action, event };
}

describe("another project's objects", () => {
  let o: Awaited<ReturnType<typeof owned>>;
  const stranger = freshProject();
  beforeAll(async () => {
    o = await owned();
  });

  it('are 404 on every profile endpoint, by id and by name', async () => {
    for (const ident of [o.profile.id, o.profile.name, o.profile.id.slice(0, 8)]) {
      const answers = [
        await h.http('GET', `/v1/profiles/${ident}`, { project: stranger }),
        await h.http('PATCH', `/v1/profiles/${ident}`, { project: stranger, body: { profile: { name: 'mine-now' } } }),
        await h.http('DELETE', `/v1/profiles/${ident}`, { project: stranger }),
      ];
      for (const a of answers) expectFault(a, 404, 'ResourceNotFound', `The profile '${ident}' could not be found.`);
    }
  });

  it('are 404 on every cluster endpoint, by id and by name', async () => {
    for (const ident of [o.cluster.id, o.cluster.name]) {
      const answers = [
        await h.http('GET', `/v1/clusters/${ident}`, { project: stranger }),
        await h.http('PATCH', `/v1/clusters/${ident}`, { project: stranger, body: { cluster: { name: 'mine-now' } } }),
        await h.http('DELETE', `/v1/clusters/${ident}`, { project: stranger }),
        await h.http('POST', `/v1/clusters/${ident}/actions`, { project: stranger, body: { check: {} } }),
        await h.http('POST', `/v1/clusters/${ident}/ops`, { project: stranger, version: '1.4', body: { reboot: {} } }),
        await h.http('GET', `/v1/clusters/${ident}/attrs/name`, { project: stranger, version: '1.2' }),
      ];
      for (const a of answers) expectFault(a, 404, 'ResourceNotFound', `The cluster '${ident}' could not be found.`);
    }
  });

  it('are 404 on the action endpoints, cancelling included', async () => {
    expectFault(
      await h.http('GET', `/v1/actions/${o.action.id}`, { project: stranger }),
      404,
      'ResourceNotFound',
      `The action '${o.action.id}' could not be found.`,
    );
    const cancel = await h.http('PATCH', `/v1/actions/${o.action.id}`, {
      project: stranger,
      version: '1.12',
      body: { action: { status: 'CANCELLED' } },
    });
    expectFault(cancel, 404, 'ResourceNotFound', `The action '${o.action.id}' could not be found.`);
    const forced = await h.http('PATCH', `/v1/actions/${o.action.id}?force=true`, {
      project: stranger,
      version: '1.12',
      body: { action: { status: 'CANCELLED' } },
    });
    expectFault(forced, 404, 'ResourceNotFound');
    const [row] = (await ds().query('SELECT status, control FROM action WHERE id = $1', [o.action.id])) as {
      status: string;
      control: string | null;
    }[];
    expect(row).toEqual({ status: 'RUNNING', control: null });
  });

  it('are 404 on the event endpoint', async () => {
    expectFault(
      await h.http('GET', `/v1/events/${o.event.id}`, { project: stranger }),
      404,
      'ResourceNotFound',
      `The event '${o.event.id}' could not be found.`,
    );
  });

  it('are left out of every list, even when filtered for', async () => {
    const lists = {
      profiles: await h.http<{ profiles: unknown[] }>('GET', `/v1/profiles?name=${o.profile.name}`, {
        project: stranger,
      }),
      clusters: await h.http<{ clusters: unknown[] }>('GET', `/v1/clusters?name=${o.cluster.name}`, {
        project: stranger,
      }),
      nodes: await h.http<{ nodes: unknown[] }>('GET', `/v1/nodes?name=${o.node.name}`, { project: stranger }),
      actions: await h.http<{ actions: unknown[] }>('GET', `/v1/actions?target=${o.cluster.id}`, { project: stranger }),
      events: await h.http<{ events: unknown[] }>('GET', `/v1/events?oid=${o.cluster.id}`, { project: stranger }),
    };
    expect(
      Object.fromEntries(Object.entries(lists).map(([k, a]) => [k, (a.body as Record<string, unknown[]>)[k]])),
    ).toEqual({
      profiles: [],
      clusters: [],
      nodes: [],
      actions: [],
      events: [],
    });
  });

  it('are still there for their owner', async () => {
    for (const path of [
      `/v1/profiles/${o.profile.id}`,
      `/v1/clusters/${o.cluster.id}`,
      `/v1/actions/${o.action.id}`,
      `/v1/events/${o.event.id}`,
    ]) {
      expect((await h.http('GET', path, { project: o.project })).status).toBe(200);
    }
  });
});

describe('global_project', () => {
  const COLLECTIONS = ['profiles', 'clusters', 'nodes', 'actions', 'events'] as const;
  let a: Awaited<ReturnType<typeof owned>>;
  let b: Awaited<ReturnType<typeof owned>>;
  beforeAll(async () => {
    [a, b] = [await owned(), await owned()];
  });
  const idsOf = (body: unknown, key: string) =>
    ((body as Record<string, { id: string }[]>)[key] ?? []).map((x) => x.id);
  const mine = (o: Awaited<ReturnType<typeof owned>>) => ({
    profiles: o.profile.id,
    clusters: o.cluster.id,
    nodes: o.node.id,
    actions: o.action.id,
    events: o.event.id,
  });

  it.each(COLLECTIONS)('true lets an admin list every project’s %s', async (key) => {
    const listed = await h.http('GET', `/v1/${key}?global_project=true`, { project: freshProject(), roles: 'admin' });
    expect(listed.status).toBe(200);
    expect(idsOf(listed.body, key)).toEqual(expect.arrayContaining([mine(a)[key], mine(b)[key]]));
  });

  it.each(COLLECTIONS)('true is 403 for anyone else on %s', async (key) => {
    for (const value of ['true', 'True', 'TRUE']) {
      const listed = await h.http('GET', `/v1/${key}?global_project=${value}`, { project: a.project });
      expectFault(listed, 403, 'Forbidden', 'You are not authorized to complete this operation.');
      expect(listed.body).toMatchObject({ title: 'Forbidden', explanation: 'Access was denied to this resource.' });
    }
  });

  it.each(COLLECTIONS)('false keeps %s to the caller’s project', async (key) => {
    const listed = await h.http('GET', `/v1/${key}?global_project=false`, { project: a.project });
    expect(listed.status).toBe(200);
    expect(idsOf(listed.body, key)).toEqual([mine(a)[key]]);
  });
});
