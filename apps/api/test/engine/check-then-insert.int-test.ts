import { sql } from '@grove/db';
import { freshProject, make } from '@grove/testing';
import { actionOf, type HttpAnswer, useGrove } from '../../src/testing/grove-harness';
import { expectFault } from '../../src/testing/senlin-answers';
import { clusterWorld } from './cluster-world';

/**
 * A check and the insert it allows (the project's cluster quota, NAME_UNIQUE) hold when many
 * requests race: the database queues them, so the counts below are exact however they interleave.
 */
const h = useGrove({ NAME_UNIQUE: 'true', MAX_CLUSTERS_PER_PROJECT: '5' });
const w = clusterWorld(h);

const at = <T>(n: number, f: (i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => f(i)));
const statuses = (answers: HttpAnswer<unknown>[]) => answers.map((a) => a.status).sort();

const count = async (table: string, project: string, name?: string): Promise<number> => {
  const { rows } = await sql<{ n: number }>(
    h.grove.dataSource,
    `SELECT count(*)::int AS n FROM ${table} WHERE project = $1 AND ($2::text IS NULL OR name = $2)`,
    [project, name ?? null],
  );
  return rows[0].n;
};

/** Exactly one answer is `ok`, every other one the 400 Senlin gives for a taken name. */
function expectOneTaken(answers: HttpAnswer<unknown>[], ok: number, message: string): void {
  expect(answers.filter((a) => a.status === ok)).toHaveLength(1);
  for (const a of answers.filter((x) => x.status !== ok)) expectFault(a, 400, 'BadRequest', message);
}

describe('the cluster quota (MAX_CLUSTERS_PER_PROJECT)', () => {
  it('holds under 30 simultaneous creates in a project two below it: exactly 2 are accepted', async () => {
    const project = freshProject();
    const ds = h.grove.dataSource;
    const profileId = (await make.profile(ds, { project, name: 'web', spec: w.SPEC })).id;
    for (let i = 0; i < 3; i++) await make.cluster(ds, { project, profileId });
    const answers = await at(30, (i) =>
      h.http('POST', '/v1/clusters', { project, body: { cluster: { name: `c${i}`, profile_id: 'web' } } }),
    );
    expect(statuses(answers)).toEqual([...Array(2).fill(202), ...Array(28).fill(403)]);
    for (const a of answers.filter((x) => x.status !== 202))
      expectFault(a, 403, 'Forbidden', 'Quota exceeded for resources: a project may have 5 clusters.');
    expect(await count('cluster', project)).toBe(5);
    for (const a of answers.filter((x) => x.status === 202)) await w.succeeded(project, a);
  }, 60_000);
});

describe('NAME_UNIQUE under 20 simultaneous creates of one name', () => {
  it('keeps one cluster', async () => {
    const project = freshProject();
    await make.profile(h.grove.dataSource, { project, name: 'web', spec: w.SPEC });
    const answers = await at(20, () =>
      h.http('POST', '/v1/clusters', { project, body: { cluster: { name: 'twin', profile_id: 'web' } } }),
    );
    expectOneTaken(answers, 202, "a cluster named 'twin' already exists.");
    expect(await count('cluster', project, 'twin')).toBe(1);
  }, 60_000);

  it('keeps one node', async () => {
    const project = freshProject();
    await make.profile(h.grove.dataSource, { project, name: 'web', spec: w.SPEC });
    const answers = await at(20, () =>
      h.http('POST', '/v1/nodes', { project, body: { node: { name: 'twin', profile_id: 'web' } } }),
    );
    expectOneTaken(answers, 202, 'The node named (twin) already exists.');
    expect(await count('node', project, 'twin')).toBe(1);
  }, 60_000);

  it('keeps one profile, created or renamed to it', async () => {
    const project = freshProject();
    const created = await at(10, () =>
      h.http('POST', '/v1/profiles', { project, body: { profile: { name: 'twin', spec: w.SPEC } } }),
    );
    const others = await at(10, (i) => make.profile(h.grove.dataSource, { project, name: `other${i}`, spec: w.SPEC }));
    const renamed = await at(10, (i) =>
      h.http('PATCH', `/v1/profiles/${others[i].id}`, { project, body: { profile: { name: 'twin2' } } }),
    );
    expectOneTaken(created, 201, "A profile named 'twin' already exists.");
    expectOneTaken(renamed, 200, "A profile named 'twin2' already exists.");
    expect([await count('profile', project, 'twin'), await count('profile', project, 'twin2')]).toEqual([1, 1]);
  }, 60_000);

  it('keeps one policy, created or renamed to it', async () => {
    const project = freshProject();
    const spec = {
      type: 'senlin.policy.scaling',
      version: '1.0',
      properties: { event: 'CLUSTER_SCALE_OUT', adjustment: { type: 'CHANGE_IN_CAPACITY', number: 1 } },
    };
    const create = (name: string) =>
      h.http<{ policy: { id: string } }>('POST', '/v1/policies', { project, body: { policy: { name, spec } } });
    const created = await at(10, () => create('twin'));
    const others = await at(10, (i) => create(`other${i}`));
    const renamed = await at(10, (i) =>
      h.http('PATCH', `/v1/policies/${others[i].body.policy.id}`, { project, body: { policy: { name: 'twin2' } } }),
    );
    expectOneTaken(created, 201, "A policy named 'twin' already exists.");
    expectOneTaken(renamed, 200, "A policy named 'twin2' already exists.");
    expect([await count('policy', project, 'twin'), await count('policy', project, 'twin2')]).toEqual([1, 1]);
  }, 60_000);

  it('keeps one receiver', async () => {
    const { project, clusterId } = await w.world({ desired: 0 });
    const answers = await at(20, () =>
      h.http('POST', '/v1/receivers', {
        project,
        body: { receiver: { name: 'twin', type: 'webhook', cluster_id: clusterId, action: 'CLUSTER_SCALE_OUT' } },
      }),
    );
    expectOneTaken(answers, 201, "A receiver named 'twin' already exists.");
    expect(await count('receiver', project, 'twin')).toBe(1);
  }, 60_000);
});

/**
 * Holds a row lock from a connection of the test's own until released: the engine's write of that
 * row waits, so the action stays open while the requests race, whatever the machine's speed.
 */
async function holdRow(table: 'node' | 'cluster', id: string): Promise<() => Promise<void>> {
  const qr = h.grove.dataSource.createQueryRunner();
  await qr.connect();
  await qr.startTransaction();
  await qr.query(`SELECT 1 FROM ${table} WHERE id = $1 FOR UPDATE`, [id]);
  return async () => {
    await qr.commitTransaction();
    await qr.release();
  };
}

const actionsOn = async (targets: string[]) =>
  (
    await sql<{ id: string; action: string; status: string; status_reason: string }>(
      h.grove.dataSource,
      'SELECT id, action, status, status_reason FROM action WHERE target = ANY($1::uuid[]) ORDER BY created_at',
      [targets],
    )
  ).rows;

/** Every answer is a 202 pointing at `actionId` or Senlin's 409 for a target being deleted. */
function expectSameActionOr409(answers: HttpAnswer<unknown>[], kind: string, id: string): string {
  const accepted = answers.filter((a) => a.status === 202).map(actionOf);
  expect(accepted.length).toBeGreaterThanOrEqual(1);
  expect(new Set(accepted).size).toBe(1);
  for (const a of answers.filter((x) => x.status !== 202))
    expectFault(a, 409, 'ActionInProgress', `The ${kind} '${id}' is in status DELETING.`);
  return accepted[0];
}

describe('simultaneous deletes', () => {
  it('of one cluster make one CLUSTER_DELETE: every answer is a 202 with it or a 409, and nothing fails', async () => {
    const { project, clusterId } = await w.world({ desired: 2 });
    const members = await w.membersOf(project, clusterId);
    const release = await holdRow('node', members[0].id);
    let answers: HttpAnswer<unknown>[];
    try {
      answers = await at(20, () => h.http('DELETE', `/v1/clusters/${clusterId}`, { project }));
    } finally {
      await release();
    }
    const actionId = expectSameActionOr409(answers, 'cluster', clusterId);
    expect(await h.waitForAction(actionId, { project, timeoutMs: 60_000 })).toMatchObject({ status: 'SUCCEEDED' });
    const all = await actionsOn([clusterId, ...members.map((m) => m.id)]);
    expect(all.filter((a) => a.action === 'CLUSTER_DELETE').map((a) => a.id)).toEqual([actionId]);
    expect(all.filter((a) => a.status === 'FAILED')).toEqual([]);
    expect((await h.http('GET', `/v1/clusters/${clusterId}`, { project })).status).toBe(404);
    expect(await w.serversOf(clusterId)).toEqual([]);
  }, 60_000);

  it('of one node make one NODE_DELETE: every answer is a 202 with it or a 409, and nothing fails', async () => {
    const { project, clusterId } = await w.world({ desired: 2 });
    const [node] = await w.membersOf(project, clusterId);
    const release = await holdRow('cluster', clusterId);
    let answers: HttpAnswer<unknown>[];
    try {
      answers = await at(20, () => h.http('DELETE', `/v1/nodes/${node.id}`, { project }));
    } finally {
      await release();
    }
    const actionId = expectSameActionOr409(answers, 'node', node.id);
    expect(await h.waitForAction(actionId, { project, timeoutMs: 60_000 })).toMatchObject({ status: 'SUCCEEDED' });
    const all = await actionsOn([node.id, clusterId]);
    expect(all.filter((a) => a.action === 'NODE_DELETE').map((a) => a.id)).toEqual([actionId]);
    expect(all.filter((a) => a.status === 'FAILED')).toEqual([]);
    expect(await w.clusterOf(project, clusterId)).toMatchObject({ desired_capacity: 1, nodes: [expect.any(String)] });
  }, 60_000);

  it('of a node whose delete waits for a lifecycle hook go ahead of the held one', async () => {
    const project = freshProject();
    const ds = h.grove.dataSource;
    const profile = await make.profile(ds, { project, spec: w.SPEC });
    const node = await make.node(ds, { project, profileId: profile.id, status: 'ACTIVE' });
    const held = await make.action(ds, {
      project,
      action: 'NODE_DELETE',
      target: node.id,
      status: 'WAITING_LIFECYCLE_COMPLETION',
    });
    const answer = await h.http('DELETE', `/v1/nodes/${node.id}`, { project });
    expect(answer.status).toBe(202);
    expect(actionOf(answer)).not.toBe(held.id);
    expect(await h.waitForAction(actionOf(answer), { project, timeoutMs: 30_000 })).toMatchObject({
      status: 'SUCCEEDED',
    });
  }, 60_000);
});
