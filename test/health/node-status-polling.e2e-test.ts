import { Client } from 'pg';
import { actionOf, serversOf } from '@grove/testing';
import {
  breakServer as breakOne,
  healthPolicy,
  SERVER_SPEC as SPEC,
  until as untilIn,
  useHealthGrove,
} from './support';

/**
 * A cluster with a health policy polling node status: a server put in ERROR behind Grove's back
 * (the simulator's admin API) is found by the health manager, through an engine's cloud check,
 * and recreated, with an event saying which mode found it and what was done. Detached, the
 * policy no longer repairs anything.
 */
describe('the health manager, NODE_STATUS_POLLING', () => {
  const h = useHealthGrove();
  const api = h.api;

  const until = <T>(what: string, f: () => Promise<T | undefined>) => untilIn(h.grove, what, f);
  const breakServer = (id: string) => breakOne(h.grove.simUrl, id);

  it('recreates a server failed behind its back, says so in an event, and stops once detached', async () => {
    expect((await api.http('POST', '/v1/profiles', { body: { profile: { name: 'hp', spec: SPEC } } })).status).toBe(
      201,
    );
    const created = await api.http<{ cluster: { id: string } }>('POST', '/v1/clusters', {
      body: { cluster: { name: 'healed', profile_id: 'hp', desired_capacity: 3 } },
    });
    await api.waitForAction(actionOf(created));
    const clusterId = created.body.cluster.id;
    const policy = await api.http<{ policy: { id: string } }>('POST', '/v1/policies', {
      body: { policy: { name: 'hp', spec: healthPolicy(1) } },
    });
    expect(policy.status).toBe(201);
    const attached = await api.http('POST', `/v1/clusters/${clusterId}/actions`, {
      body: { policy_attach: { policy_id: policy.body.policy.id } },
    });
    expect((await api.waitForAction(actionOf(attached))).status).toBe('SUCCEEDED');

    const [victim] = await serversOf(h.grove.simUrl, clusterId);
    const nodeId = victim.metadata.cluster_node_id;
    const failedAt = Date.now();
    await breakServer(victim.id);
    const replaced = await until('the node to be recreated', async () => {
      const servers = await serversOf(h.grove.simUrl, clusterId);
      const mine = servers.filter((s) => s.metadata.cluster_node_id === nodeId);
      return mine.length === 1 && mine[0].id !== victim.id && mine[0].status === 'ACTIVE' ? mine[0] : undefined;
    });
    const healedInMs = Date.now() - failedAt;
    const { body } = await api.http<{ node: { physical_id: string; status: string } }>('GET', `/v1/nodes/${nodeId}`);
    expect(body.node).toMatchObject({ physical_id: replaced.id, status: 'ACTIVE' });
    expect(healedInMs).toBeLessThan(20_000);

    const events = await api.http<{ events: { action: string; status: string; status_reason: string }[] }>(
      'GET',
      `/v1/events?oid=${nodeId}&action=NODE_RECOVER`,
    );
    expect(events.body.events.filter((e) => e.status === 'UNHEALTHY')).toEqual([
      expect.objectContaining({
        action: 'NODE_RECOVER',
        status_reason: expect.stringMatching(/NODE_STATUS_POLLING: .*recovering it with RECREATE/),
      }),
    ]);

    // The health-manager's metrics show what it holds and what its checks found.
    const hm = h.grove.all.find((p) => p.name === 'health-manager')!;
    const metrics = await (await fetch(`${hm.url}/metrics`)).text();
    expect(metrics).toMatch(/^grove_health_held_clusters 1$/m);
    expect(metrics).toMatch(/^grove_health_checks_total\{mode="NODE_STATUS_POLLING",outcome="failed"\} [1-9]/m);
    expect(metrics).toMatch(/^grove_health_recoveries_total\{outcome="recovering"\} 1$/m);
    // And, once it has seen the recovery end, how long it took from detection.
    await until('the recovery time in the metrics', async () =>
      /^grove_health_detection_to_recovery_seconds_count\{outcome="succeeded"\} 1$/m.test(
        await (await fetch(`${hm.url}/metrics`)).text(),
      )
        ? true
        : undefined,
    );

    // Detached, the policy's checks stop: a failed server stays failed.
    const detached = await api.http('POST', `/v1/clusters/${clusterId}/actions`, {
      body: { policy_detach: { policy_id: policy.body.policy.id } },
    });
    expect((await api.waitForAction(actionOf(detached))).status).toBe('SUCCEEDED');
    await breakServer(replaced.id);
    await new Promise((r) => setTimeout(r, 4_000));
    const db = new Client({ connectionString: h.grove.dbUrl });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT id FROM action WHERE action = 'NODE_RECOVER' AND target = $1`, [nodeId]);
      expect(rows).toHaveLength(1);
    } finally {
      await db.end();
    }
    expect((await serversOf(h.grove.simUrl, clusterId)).find((s) => s.id === replaced.id)?.status).toBe('ERROR');
  }, 120_000);

  it('leaves alone the nodes a user scale-in deletes, and checks again afterwards', async () => {
    const created = await api.http<{ cluster: { id: string } }>('POST', '/v1/clusters', {
      body: { cluster: { name: 'shrunk', profile_id: 'hp', desired_capacity: 4 } },
    });
    await api.waitForAction(actionOf(created));
    const clusterId = created.body.cluster.id;
    const policy = await api.http<{ policy: { id: string } }>('POST', '/v1/policies', {
      body: { policy: { name: 'hp-shrunk', spec: healthPolicy(1) } },
    });
    const attached = await api.http('POST', `/v1/clusters/${clusterId}/actions`, {
      body: { policy_attach: { policy_id: policy.body.policy.id } },
    });
    expect((await api.waitForAction(actionOf(attached))).status).toBe('SUCCEEDED');
    // Deleting servers linger, so that several checks run while they go.
    await fetch(`${h.grove.simUrl}/admin/config`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ delete_time_ms: 3000 }),
    });
    const shrunk = await api.http('POST', `/v1/clusters/${clusterId}/actions`, { body: { scale_in: { count: 2 } } });
    expect((await api.waitForAction(actionOf(shrunk))).status).toBe('SUCCEEDED');
    await fetch(`${h.grove.simUrl}/admin/config`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ delete_time_ms: 0 }),
    });
    const db = new Client({ connectionString: h.grove.dbUrl });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT id FROM action WHERE action = 'NODE_RECOVER' AND cluster_id = $1`, [
        clusterId,
      ]);
      expect(rows).toEqual([]);
    } finally {
      await db.end();
    }
    // The checks resumed after the scale-in: a member failed now is recovered.
    const [left] = await serversOf(h.grove.simUrl, clusterId);
    await breakServer(left.id);
    await until('the remaining member to be recovered', async () => {
      const mine = (await serversOf(h.grove.simUrl, clusterId)).filter(
        (s) => s.metadata.cluster_node_id === left.metadata.cluster_node_id,
      );
      return mine.length === 1 && mine[0].id !== left.id && mine[0].status === 'ACTIVE' ? true : undefined;
    });
  }, 120_000);
});
