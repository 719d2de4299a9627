import type { ActionName, ActionStatus } from '@grove/core';
import { freshProject, make } from '@grove/testing';
import { actionOf, useGrove, type HttpAnswer } from '../testing/grove-harness';
import { expectFault } from '../testing/senlin-answers';

/** Actions as users see them: list, show and cancel (API.md §1.7; tempest's action tests). */
const h = useGrove();
const ds = () => h.grove.dataSource;

const SPEC = {
  type: 'os.nova.server',
  version: '1.0',
  properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk', networks: [{ network: 'private' }] },
};
/** What tempest requires of every action. */
const KEYS = [
  'action',
  'cause',
  'created_at',
  'data',
  'depended_by',
  'depends_on',
  'end_time',
  'id',
  'inputs',
  'interval',
  'name',
  'outputs',
  'owner',
  'start_time',
  'status',
  'status_reason',
  'target',
  'timeout',
  'updated_at',
];
const VIEW_KEYS = [...KEYS, 'project', 'user'].sort();

interface ActionView {
  id: string;
  name: string;
  action: string;
  target: string;
  status: string;
  status_reason: string;
  cluster_id?: string;
  start_time: number | null;
  end_time: number | null;
  depends_on: string[];
  depended_by: string[];
  inputs: Record<string, unknown>;
}
type One = { action: ActionView };
type Many = { actions: ActionView[] };

const get = <T>(project: string, path: string, version?: string) => h.http<T>('GET', path, { project, version });
const cancel = (
  project: string,
  id: string,
  o: { status?: string; query?: string; version?: string; body?: unknown } = {},
) =>
  h.http('PATCH', `/v1/actions/${id}${o.query ?? ''}`, {
    project,
    version: o.version ?? '1.12',
    body: o.body ?? { action: { status: o.status ?? 'CANCELLED' } },
  });

/** A cluster create through the api, in a project with a profile. */
async function startCreate(desired: number) {
  const project = freshProject();
  expect((await h.http('POST', '/v1/profiles', { project, body: { profile: { name: 'p', spec: SPEC } } })).status).toBe(
    201,
  );
  const a = await h.http<{ cluster: { id: string } }>('POST', '/v1/clusters', {
    project,
    body: { cluster: { name: 'c', profile_id: 'p', desired_capacity: desired } },
  });
  expect(a.status).toBe(202);
  return { project, clusterId: a.body.cluster.id, actionId: actionOf(a as HttpAnswer<unknown>) };
}

const rows = async (ids: readonly string[]) =>
  (await ds().query('SELECT id, status, control FROM action WHERE id = ANY($1::uuid[]) ORDER BY id', [ids])) as {
    id: string;
    status: string;
    control: string | null;
  }[];

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`never: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('a cluster create, as its actions show it', () => {
  let w: Awaited<ReturnType<typeof startCreate>>;
  let lower: number;
  let upper: number;
  let parent: ActionView;
  let children: ActionView[];
  beforeAll(async () => {
    lower = Date.now() / 1000;
    w = await startCreate(2);
    await h.waitForAction(w.actionId, { project: w.project });
    upper = Date.now() / 1000;
    parent = (await get<One>(w.project, `/v1/actions/${w.actionId}`, '1.14')).body.action;
    children = (await get<Many>(w.project, '/v1/actions?action=NODE_CREATE', '1.14')).body.actions;
  });

  it('has every key tempest needs, with start and end times as epoch floats inside the run (tempest action_show)', () => {
    expect(Object.keys(parent).sort()).toEqual([...VIEW_KEYS, 'cluster_id'].sort());
    expect(parent).toMatchObject({
      action: 'CLUSTER_CREATE',
      status: 'SUCCEEDED',
      target: w.clusterId,
      cluster_id: w.clusterId,
      cause: 'RPC Request',
    });
    for (const t of [parent.start_time, parent.end_time]) {
      expect(typeof t).toBe('number');
      expect(t).toBeGreaterThan(lower);
      expect(t).toBeLessThan(upper);
    }
    expect(parent.end_time! >= parent.start_time!).toBe(true);
  });

  it('made one NODE_CREATE per node, and keeps no dependencies once they ended (as Senlin)', () => {
    expect(children).toHaveLength(2);
    expect(parent).toMatchObject({ depends_on: [], depended_by: [] });
    for (const c of children) {
      expect(c).toMatchObject({
        status: 'SUCCEEDED',
        cluster_id: w.clusterId,
        depends_on: [],
        depended_by: [],
        cause: 'Derived Action',
      });
    }
  });

  it('shows cluster_id from 1.14 only, in show and list', async () => {
    expect((await get<One>(w.project, `/v1/actions/${w.actionId}`, '1.13')).body.action).not.toHaveProperty(
      'cluster_id',
    );
    for (const a of (await get<Many>(w.project, '/v1/actions', '1.13')).body.actions) {
      expect(Object.keys(a).sort()).toEqual(VIEW_KEYS);
    }
  });

  it('is found by id, short id and name', async () => {
    for (const ident of [w.actionId, w.actionId.slice(0, 8), parent.name]) {
      const a = await get<One>(w.project, `/v1/actions/${ident}`);
      expect({ ident, status: a.status, id: a.body.action?.id }).toEqual({ ident, status: 200, id: w.actionId });
    }
  });

  it('is listed with its children, filtered by cluster from 1.14 only', async () => {
    const ids = async (query: string, version?: string) =>
      (await get<Many>(w.project, `/v1/actions${query}`, version)).body.actions.map((a) => a.id).sort();
    const all = [w.actionId, ...children.map((c) => c.id)].sort();
    expect(await ids('')).toEqual(all);
    expect(await ids(`?cluster_id=${w.clusterId}`, '1.14')).toEqual(all);
    expect(await ids('?cluster_id=c', '1.14')).toEqual(all);
    expect(await ids('?cluster_id=nowhere', '1.14')).toEqual([]);
    // Below 1.14 the filter is accepted and dropped, as Senlin drops it.
    expect(await ids('?cluster_id=nowhere', '1.13')).toEqual(all);
    expect(await ids('?status=SUCCEEDED')).toEqual(all);
    expect(await ids('?action=CLUSTER_CREATE')).toEqual([w.actionId]);
    expect(await ids(`?target=${w.clusterId}`)).toEqual([w.actionId]);
    expect(await ids(`?name=${parent.name}`)).toEqual([w.actionId]);
  });
});

describe('GET /v1/actions', () => {
  let project: string;
  let made: string[];
  beforeAll(async () => {
    project = freshProject();
    made = [];
    const spec: [string, ActionName, ActionStatus][] = [
      ['b_act', 'CLUSTER_CHECK', 'SUCCEEDED'],
      ['a_act', 'NODE_DELETE', 'FAILED'],
      ['c_act', 'CLUSTER_RESIZE', 'RUNNING'],
    ];
    for (const [i, [name, action, status]] of spec.entries()) {
      made.push(
        (await make.action(ds(), { project, name, action, status, createdAt: new Date(Date.now() + i * 1000) })).id,
      );
    }
  });
  const names = async (query = '') => {
    const a = await get<Many>(project, `/v1/actions${query}`);
    expect(a.status).toBe(200);
    return a.body.actions.map((x) => x.name);
  };

  it('lists oldest first, and only with every key (tempest action_list)', async () => {
    const a = await get<Many>(project, '/v1/actions');
    expect(a.headers.get('location')).toBeNull();
    expect(a.body.actions.map((x) => x.name)).toEqual(['b_act', 'a_act', 'c_act']);
    for (const x of a.body.actions) expect(Object.keys(x).sort()).toEqual(VIEW_KEYS);
  });

  it('filters by status, action and name, repeatedly (tempest action_list_by_status)', async () => {
    expect(await names('?status=SUCCEEDED')).toEqual(['b_act']);
    expect(await names('?status=SUCCEEDED&status=FAILED')).toEqual(['b_act', 'a_act']);
    expect(await names('?action=NODE_DELETE&action=CLUSTER_RESIZE')).toEqual(['a_act', 'c_act']);
    expect(await names('?name=c_act')).toEqual(['c_act']);
  });

  it('sorts and pages with a marker', async () => {
    expect(await names('?sort=name')).toEqual(['a_act', 'b_act', 'c_act']);
    expect(await names('?sort=created_at:desc')).toEqual(['c_act', 'a_act', 'b_act']);
    expect(await names('?sort=status,name')).toEqual(['a_act', 'c_act', 'b_act']);
    expect(await names('?limit=1')).toEqual(['b_act']);
    expect(await names(`?limit=1&marker=${made[0]}`)).toEqual(['a_act']);
    expect(await names(`?limit=5&marker=${made[1]}`)).toEqual(['c_act']);
    expect(await names('?limit=0')).toEqual([]);
  });
});

describe('GET /v1/actions/{id}', () => {
  it('answers 404 for an action it cannot find, 400 for an ambiguous name', async () => {
    const project = freshProject();
    const id = '26cb0f3a-4e6c-49f6-8475-7cb472933bff';
    expectFault(
      await get(project, `/v1/actions/${id}`),
      404,
      'ResourceNotFound',
      `The action '${id}' could not be found.`,
    );
    await make.action(ds(), { project, name: 'twin' });
    await make.action(ds(), { project, name: 'twin' });
    expectFault(
      await get(project, '/v1/actions/twin'),
      400,
      'MultipleChoices',
      "Multiple results found matching the query criteria 'twin'. Please be more specific.",
    );
  });

  it('never shows credentials in inputs', async () => {
    const project = freshProject();
    const a = await make.action(ds(), {
      project,
      inputs: { operation: 'change_password', params: { admin_pass: 'hunter2' } },
    });
    const shown = (await get<One>(project, `/v1/actions/${a.id}`)).body.action;
    expect(shown.inputs).toEqual({ operation: 'change_password', params: { admin_pass: '***' } });
  });
});

describe('PATCH /v1/actions/{id}', () => {
  afterEach(() => h.sim.admin.updateConfig({ build_time_ms: 0 }));

  it('does not exist before 1.12', async () => {
    expectFault(
      await cancel(freshProject(), 'x', { version: '1.11' }),
      400,
      'MethodVersionNotFound',
      "API version '1.11' is not supported on this method.",
    );
  });

  it('refuses a status other than CANCELLED, before looking for the action (tempest action_update_status_invalid)', async () => {
    const project = freshProject();
    const a = await make.action(ds(), { project, status: 'SUCCEEDED' });
    expectFault(
      await cancel(project, a.id, { status: 'invalid' }),
      400,
      'BadRequest',
      `Unknown status invalid for action ${a.id}.`,
    );
    expectFault(
      await cancel(project, 'nowhere', { status: 'RUNNING' }),
      400,
      'BadRequest',
      'Unknown status RUNNING for action nowhere.',
    );
  });

  it.each([
    ['no action key', { status: 'CANCELLED' }, "Malformed request data, missing 'action' key in request body."],
    ['no status', { action: {} }, "'status' is a required property"],
    [
      'an unknown key',
      { action: { status: 'CANCELLED', bogus: 1 } },
      "Additional properties are not allowed ('bogus' was unexpected)",
    ],
  ])('refuses %s', async (_what, body, message) => {
    expectFault(
      await cancel(freshProject(), '26cb0f3a-4e6c-49f6-8475-7cb472933bff', { body }),
      400,
      'HTTPBadRequest',
      message,
    );
  });

  it('refuses a force that is not a boolean', async () => {
    const project = freshProject();
    const a = await make.action(ds(), { project, status: 'RUNNING' });
    expectFault(
      await cancel(project, a.id, { query: '?force=bogus' }),
      400,
      'HTTPBadRequest',
      "Invalid value 'bogus' specified for 'force'",
    );
  });

  it('looks the action up by exact id only (tempest action_update_not_found)', async () => {
    const project = freshProject();
    const id = '26cb0f3a-4e6c-49f6-8475-7cb472933bff';
    expectFault(await cancel(project, id), 404, 'ResourceNotFound', `The action '${id}' could not be found.`);
    const a = await make.action(ds(), { project, name: 'by-name', status: 'RUNNING' });
    for (const ident of ['by-name', a.id.slice(0, 8)]) {
      expectFault(await cancel(project, ident), 404, 'ResourceNotFound', `The action '${ident}' could not be found.`);
    }
  });

  it('refuses (409) an action that has ended, forced or not', async () => {
    const project = freshProject();
    for (const status of ['SUCCEEDED', 'FAILED', 'CANCELLED'] as const) {
      const a = await make.action(ds(), { project, status });
      for (const query of ['', '?force=true']) {
        expectFault(
          await cancel(project, a.id, { query }),
          409,
          'ActionImmutable',
          new RegExp(`^Action \\(${a.id}\\) is in status \\(${status}\\)`),
        );
      }
    }
  });

  it('ends an action waiting for a lifecycle hook CANCELLED', async () => {
    const project = freshProject();
    const a = await make.action(ds(), { project, status: 'WAITING_LIFECYCLE_COMPLETION', action: 'NODE_DELETE' });
    expect((await cancel(project, a.id)).status).toBe(202);
    const ended = await h.waitForAction(a.id, { project, timeoutMs: 10_000 });
    expect(ended.status).toBe('CANCELLED');
  });

  it('cancels a running cluster create and its children, which end CANCELLED', async () => {
    h.sim.admin.updateConfig({ build_time_ms: 30_000 });
    const w = await startCreate(2);
    const kids = await until('two NODE_CREATE running', async () => {
      const list = (await get<Many>(w.project, '/v1/actions?action=NODE_CREATE&status=RUNNING')).body.actions;
      return list.length === 2 ? list.map((k) => k.id) : undefined;
    });
    // While they run, the create depends on its children and each child is depended on by it.
    const parent = (await get<One>(w.project, `/v1/actions/${w.actionId}`)).body.action;
    expect([...parent.depends_on].sort()).toEqual([...kids].sort());
    for (const k of kids)
      expect((await get<One>(w.project, `/v1/actions/${k}`)).body.action.depended_by).toEqual([w.actionId]);
    const a = await cancel(w.project, w.actionId);
    expect(a.status).toBe(202);
    const ended = await h.waitForAction(w.actionId, { project: w.project, timeoutMs: 20_000 });
    expect(ended.status).toBe('CANCELLED');
    expect((await rows(kids)).map((r) => r.status)).toEqual(['CANCELLED', 'CANCELLED']);
    const cluster = (await get<{ cluster: { status: string } }>(w.project, `/v1/clusters/${w.clusterId}`)).body.cluster;
    expect(cluster.status).not.toBe('CREATING');
  });

  it('with force=true, ends a running cluster create and its children CANCELLED at once', async () => {
    h.sim.admin.updateConfig({ build_time_ms: 30_000 });
    const w = await startCreate(2);
    const kids = await until('two NODE_CREATE running', async () => {
      const list = (await get<Many>(w.project, '/v1/actions?action=NODE_CREATE&status=RUNNING')).body.actions;
      return list.length === 2 ? list.map((k) => k.id) : undefined;
    });
    expect((await cancel(w.project, w.actionId, { query: '?force=true' })).status).toBe(202);
    expect((await rows([w.actionId, ...kids])).map((r) => r.status)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);
    const shown = (await get<One>(w.project, `/v1/actions/${w.actionId}`)).body.action;
    expect(shown).toMatchObject({ status: 'CANCELLED', end_time: expect.any(Number) });
  });
});
