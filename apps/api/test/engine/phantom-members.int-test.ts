import { sql } from '@grove/db';
import { make } from '@grove/testing';
import { actionOf, useGrove } from '../../src/testing/grove-harness';
import { clusterWorld, type NodeView, until } from './cluster-world';

/**
 * A node created into a cluster (POST /v1/nodes with cluster_id) becomes a member only when its
 * NODE_CREATE, holding the cluster lock, finds room for it: never before, so it is never counted
 * while it cannot run, and a create that cannot take the lock leaves no member behind.
 */
const h = useGrove({ LOCK_RETRY_TIMES: '2', LOCK_RETRY_INTERVAL_MS: '100' });
const w = clusterWorld(h);

const createInto = (project: string, clusterId: string, name: string) =>
  h.http<{ node: NodeView }>('POST', '/v1/nodes', {
    project,
    body: { node: { name, profile_id: 'web', cluster_id: clusterId } },
  });

/** Members in INIT whose create can no longer run: what this file proves never exists. */
async function phantomMembers(clusterId: string): Promise<string[]> {
  const { rows } = await sql<{ id: string }>(
    h.grove.dataSource,
    `SELECT n.id FROM node n WHERE n.cluster_id = $1 AND n.status = 'INIT' AND NOT EXISTS (
       SELECT 1 FROM action a WHERE a.target = n.id
          AND a.status IN ('INIT', 'READY', 'RUNNING', 'WAITING', 'SUSPENDED'))`,
    [clusterId],
  );
  return rows.map((r) => r.id);
}

/** Holds the cluster lock in cluster scope for a live action that never runs, until released. */
async function holdClusterLock(project: string, clusterId: string): Promise<() => Promise<void>> {
  const ds = h.grove.dataSource;
  const holder = await make.action(ds, { project, action: 'CLUSTER_UPDATE', target: clusterId, status: 'SUSPENDED' });
  await sql(ds, `INSERT INTO cluster_lock (cluster_id, action_ids, semaphore) VALUES ($1, ARRAY[$2]::uuid[], -1)`, [
    clusterId,
    holder.id,
  ]);
  return async () => {
    await sql(ds, `DELETE FROM cluster_lock WHERE cluster_id = $1`, [clusterId]);
    await sql(ds, `UPDATE action SET status = 'CANCELLED', end_time = now() WHERE id = $1`, [holder.id]);
  };
}

describe('a node created into a cluster', () => {
  it('joins only when there is room: 20 at once into room for 2 make exactly 2 members, 18 failed orphans', async () => {
    const { project, clusterId } = await w.world({ desired: 3, max: 5 });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => createInto(project, clusterId, `n${i}`)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
    // The answer shows the cluster the node was asked into, as Senlin's does.
    expect(answers.every((a) => a.body.node.cluster_id === clusterId)).toBe(true);

    const ends = await Promise.all(answers.map((a) => w.ended(project, a)));
    const outcomes = ends.map((a) => ({ status: a.status, reason: a.status_reason }));
    expect(outcomes.filter((o) => o.status === 'SUCCEEDED')).toHaveLength(2);
    expect(outcomes.filter((o) => o.status !== 'SUCCEEDED')).toEqual(
      Array(18).fill({
        status: 'FAILED',
        reason: "The target capacity (6) is greater than the cluster's max_size (5).",
      }),
    );

    const members = await w.expectCloudMatches(project, clusterId, 5);
    expect(await w.clusterOf(project, clusterId)).toMatchObject({ status: 'ACTIVE', desired_capacity: 5 });
    const refused = answers
      .map((a) => a.body.node.id)
      .filter((id) => !members.some((m) => m.id === id))
      .sort();
    expect(refused).toHaveLength(18);
    const { rows } = await sql<{ id: string; cluster_id: string | null; status: string; physical_id: string | null }>(
      h.grove.dataSource,
      'SELECT id, cluster_id, status, physical_id FROM node WHERE id = ANY($1::uuid[]) ORDER BY id',
      [refused],
    );
    expect(rows).toEqual(refused.map((id) => ({ id, cluster_id: null, status: 'ERROR', physical_id: null })));
    expect(await phantomMembers(clusterId)).toEqual([]);
  }, 60_000);

  it('leaves no member behind when it cannot take the cluster lock, and the cluster can still be deleted', async () => {
    const { project, clusterId } = await w.world({ desired: 1, max: 2 });
    const release = await holdClusterLock(project, clusterId);
    const created = await createInto(project, clusterId, 'late');
    const ended = await w.ended(project, created);
    expect(ended.status).toBe('FAILED');
    expect(ended.status_reason).toMatch(/locking/);
    expect(await phantomMembers(clusterId)).toEqual([]);
    expect((await w.clusterOf(project, clusterId)).nodes).toHaveLength(1);
    expect((await w.membersOf(project, clusterId)).map((n) => n.id)).not.toContain(created.body.node.id);

    await release();
    await w.succeeded(project, await h.http('DELETE', `/v1/clusters/${clusterId}`, { project }));
    expect((await h.http('GET', `/v1/clusters/${clusterId}`, { project })).status).toBe(404);
    expect(await w.serversOf(clusterId)).toEqual([]);
  }, 60_000);

  it('does not hold up a cluster delete while it waits for the lock; it fails once the cluster is gone', async () => {
    const { project, clusterId } = await w.world({ desired: 1 });
    const release = await holdClusterLock(project, clusterId);
    const created = await createInto(project, clusterId, 'waiting');
    // The delete takes the lock over (as CLUSTER_DELETE does) and finds one member, not two.
    const deleted = await h.http('DELETE', `/v1/clusters/${clusterId}`, { project });
    const [del, create] = await Promise.all([w.ended(project, deleted), w.ended(project, created)]);
    await release();
    expect(del).toMatchObject({ status: 'SUCCEEDED', status_reason: 'Cluster deletion succeeded.' });
    expect(create.status).toBe('FAILED');
    expect((await h.http('GET', `/v1/clusters/${clusterId}`, { project })).status).toBe(404);
    const node = await h.http<{ node: NodeView }>('GET', `/v1/nodes/${created.body.node.id}`, { project });
    expect(node.body.node).toMatchObject({ cluster_id: '', physical_id: null });
    expect(await w.serversOf(clusterId)).toEqual([]);
  }, 60_000);

  it('stays out of a cluster whose lock was taken over before it joined', async () => {
    const { project, clusterId } = await w.world({ desired: 1 });
    const ds = h.grove.dataSource;
    // The policy check between the lock and the join reads cluster_policy: hold it there.
    const qr = ds.createQueryRunner();
    await qr.connect();
    await qr.startTransaction();
    await qr.query('LOCK TABLE cluster_policy IN ACCESS EXCLUSIVE MODE');
    let created: Awaited<ReturnType<typeof createInto>>;
    try {
      created = await createInto(project, clusterId, 'overtaken');
      const actionId = actionOf(created);
      await until('the create to hold its share and wait at the policy check', async () => {
        const { rows } = await sql(
          ds,
          `SELECT 1 FROM cluster_lock WHERE cluster_id = $1 AND $2::uuid = ANY(action_ids)
            AND EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%cluster_policy%')`,
          [clusterId, actionId],
        );
        return rows.length ? true : undefined;
      });
      // Another action (as a CLUSTER_DELETE does) takes the lock over.
      const holder = await make.action(ds, {
        project,
        action: 'CLUSTER_DELETE',
        target: clusterId,
        status: 'SUSPENDED',
      });
      await sql(ds, `UPDATE cluster_lock SET action_ids = ARRAY[$2]::uuid[], semaphore = -1 WHERE cluster_id = $1`, [
        clusterId,
        holder.id,
      ]);
    } finally {
      await qr.commitTransaction();
      await qr.release();
    }
    const ended = await w.ended(project, created);
    expect({ status: ended.status, reason: ended.status_reason }).toEqual({
      status: 'FAILED',
      reason: `Failed in locking cluster '${clusterId}': another action took the lock over.`,
    });
    expect((await w.clusterOf(project, clusterId)).nodes).toHaveLength(1);
    const node = await h.http<{ node: NodeView }>('GET', `/v1/nodes/${created.body.node.id}`, { project });
    expect(node.body.node).toMatchObject({ cluster_id: '', status: 'ERROR', physical_id: null });
    expect(await w.serversOf(clusterId)).toHaveLength(1);
    await sql(ds, `DELETE FROM cluster_lock WHERE cluster_id = $1`, [clusterId]);
  }, 60_000);
});
