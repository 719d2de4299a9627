import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { actionOf, useGrove } from '../../src/testing/grove-harness';
import { clusterWorld } from './cluster-world';

const h = useGrove();
const { ended, succeeded, world, clusterOf, membersOf, serversOf, act } = clusterWorld(h);

const spec = (type: string, version: string, properties: Record<string, unknown>) => ({ type, version, properties });

async function policy(project: string, name: string, s: Record<string, unknown>): Promise<string> {
  const a = await h.http<{ policy: { id: string } }>('POST', '/v1/policies', {
    project,
    body: { policy: { name, spec: s } },
  });
  expect(a.status).toBe(201);
  return a.body.policy.id;
}

const attach = (project: string, clusterId: string, policyId: string, enabled = true) =>
  act(project, clusterId, { policy_attach: { policy_id: policyId, enabled } });

type Action = {
  status: string;
  status_reason: string;
  data: Record<string, unknown>;
  outputs: Record<string, unknown>;
};

describe('policies on a cluster', () => {
  it('attach, update and detach: the cluster lists them, a bound policy cannot be deleted, a second deletion policy is refused', async () => {
    const { project, clusterId } = await world({ desired: 1 });
    const scaling = await policy(
      project,
      'grow2',
      spec('senlin.policy.scaling', '1.0', { event: 'CLUSTER_SCALE_OUT', adjustment: { number: 2 } }),
    );
    const del = await policy(project, 'oldest', spec('senlin.policy.deletion', '1.0', { criteria: 'OLDEST_FIRST' }));
    const del2 = await policy(
      project,
      'youngest',
      spec('senlin.policy.deletion', '1.1', { criteria: 'YOUNGEST_FIRST' }),
    );

    expect((await succeeded(project, await attach(project, clusterId, scaling))).status_reason).toBe(
      'Policy attached.',
    );
    await succeeded(project, await attach(project, clusterId, del));
    expect((await clusterOf(project, clusterId)) as unknown as { policies: string[] }).toMatchObject({
      policies: [scaling, del],
    });
    const again = await succeeded(project, await attach(project, clusterId, del));
    expect(again.status_reason).toBe('Policy already attached.');
    const rival = await ended(project, await attach(project, clusterId, del2));
    expect(rival).toMatchObject({
      status: 'FAILED',
      status_reason: `Only one instance of policy type (senlin.policy.deletion-1.1) can be attached to a cluster, but another instance (${del}) is found attached to the cluster (${clusterId}) already.`,
    });

    const listed = await h.http<{ cluster_policies: Record<string, unknown>[] }>(
      'GET',
      `/v1/clusters/${clusterId}/policies`,
      { project },
    );
    expect(listed.body.cluster_policies.map((b) => [b.policy_name, b.priority, b.enabled])).toEqual([
      ['grow2', 100, true],
      ['oldest', 400, true],
    ]);
    const shown = await h.http<{ cluster_policy: Record<string, unknown> }>(
      'GET',
      `/v1/clusters/${clusterId}/policies/oldest`,
      { project },
    );
    expect(shown.body.cluster_policy).toMatchObject({
      cluster_id: clusterId,
      policy_id: del,
      policy_type: 'senlin.policy.deletion-1.0',
      data: { DeletionPolicy: { version: '1.0', data: {} } },
    });
    expect((await h.http('DELETE', `/v1/policies/${del}`, { project })).status).toBe(409);

    await succeeded(project, await act(project, clusterId, { policy_update: { policy_id: scaling, enabled: false } }));
    const disabled = await h.http<{ cluster_policies: { enabled: boolean }[] }>(
      'GET',
      `/v1/clusters/${clusterId}/policies?enabled=false`,
      { project },
    );
    expect(disabled.body.cluster_policies).toHaveLength(1);
    // Disabled, the scaling policy no longer decides: a scale-out adds one node.
    const out = await succeeded(project, await act(project, clusterId, { scale_out: {} }));
    expect((out.outputs as { nodes_added: string[] }).nodes_added).toHaveLength(1);

    expect(
      (await succeeded(project, await act(project, clusterId, { policy_detach: { policy_id: del } }))).status_reason,
    ).toBe('Policy detached.');
    expect((await h.http('DELETE', `/v1/policies/${del}`, { project })).status).toBe(204);
    const unattached = await act(project, clusterId, { policy_detach: { policy_id: del2 } });
    expect(unattached.status).toBe(400);
  });

  it('a detach asked again while on its way or once done answers with that action (what Heat’s stack delete needs)', async () => {
    const { project, clusterId } = await world({ desired: 1 });
    const del = await policy(project, 'again', spec('senlin.policy.deletion', '1.1', { criteria: 'OLDEST_FIRST' }));
    await succeeded(project, await attach(project, clusterId, del));
    const first = await act(project, clusterId, { policy_detach: { policy_id: del } });
    expect(first.status).toBe(202);
    const id = actionOf(first);
    const whileOnItsWay = await act(project, clusterId, { policy_detach: { policy_id: del } });
    expect([whileOnItsWay.status, actionOf(whileOnItsWay), whileOnItsWay.body]).toEqual([202, id, { action: id }]);
    await succeeded(project, first);
    const onceDone = await act(project, clusterId, { policy_detach: { policy_id: del } });
    expect([onceDone.status, actionOf(onceDone)]).toEqual([202, id]);
    // Attached again, a detach is a new action; a policy never attached is still Senlin's 400.
    await succeeded(project, await attach(project, clusterId, del));
    const next = await act(project, clusterId, { policy_detach: { policy_id: del } });
    expect(actionOf(next)).not.toBe(id);
    await succeeded(project, next);
    const never = await policy(project, 'never', spec('senlin.policy.deletion', '1.1', { criteria: 'OLDEST_FIRST' }));
    expect((await act(project, clusterId, { policy_detach: { policy_id: never } })).status).toBe(400);
  });

  it('a scaling policy decides the count, its cooldown refuses the next request with a 409, and the decision shows in action data', async () => {
    const { project, clusterId } = await world({ desired: 1, max: 10 });
    const p = await policy(
      project,
      'burst',
      spec('senlin.policy.scaling', '1.0', { event: 'CLUSTER_SCALE_OUT', adjustment: { number: 3, cooldown: 120 } }),
    );
    await succeeded(project, await attach(project, clusterId, p));
    const out = (await succeeded(project, await act(project, clusterId, { scale_out: {} }))) as unknown as Action;
    expect(out.data).toMatchObject({ creation: { count: 3 }, status: 'OK', reason: 'Completed policy checking.' });
    expect((await clusterOf(project, clusterId)).desired_capacity).toBe(4);
    const refused = await act(project, clusterId, { scale_out: {} });
    expect(refused.status).toBe(409);
    expect((refused.body as { error: { type: string; message: string } }).error).toEqual({
      code: 409,
      type: 'ActionCooldown',
      message: `The CLUSTER_SCALE_OUT action for cluster ${clusterId} cannot be processed due to Policy ${p} cooldown still in progress`,
    });
    // The cooldown only holds for the policy's event.
    await succeeded(project, await act(project, clusterId, { scale_in: {} }));
  });

  it('a deletion policy picks the victims by its criteria and a scaling policy vetoes a scale past the bounds', async () => {
    const { project, clusterId } = await world({ desired: 3, min: 1 });
    const nodes = await membersOf(project, clusterId);
    const oldest = [...nodes].sort((a, b) => a.index - b.index)[0];
    await h.grove.dataSource.query(`UPDATE node SET created_at = now() - interval '1 day' WHERE id = $1`, [oldest.id]);
    const del = await policy(project, 'oldest', spec('senlin.policy.deletion', '1.0', { criteria: 'OLDEST_FIRST' }));
    await succeeded(project, await attach(project, clusterId, del));
    const inward = (await succeeded(
      project,
      await act(project, clusterId, { scale_in: { count: 1 } }),
    )) as unknown as Action;
    expect(inward.data.deletion).toMatchObject({ count: 1, candidates: [oldest.id], destroy_after_deletion: true });
    expect((inward.outputs as { nodes_removed: string[] }).nodes_removed).toEqual([oldest.id]);
    expect((await serversOf(clusterId)).map((s) => s.id)).not.toContain(oldest.physical_id);

    const shrink = await policy(
      project,
      'shrink5',
      spec('senlin.policy.scaling', '1.0', { event: 'CLUSTER_SCALE_IN', adjustment: { number: 5 } }),
    );
    await succeeded(project, await attach(project, clusterId, shrink));
    const vetoed = (await ended(project, await act(project, clusterId, { scale_in: {} }))) as unknown as Action;
    expect(vetoed.status).toBe('FAILED');
    expect(vetoed.status_reason).toBe(
      "Policy check failure: Failed policy 'shrink5': The target capacity (-3) is less than the cluster's min_size (1).",
    );
    expect(await membersOf(project, clusterId)).toHaveLength(2);
  });

  it('zone placement places new nodes in the planned zones and takes victims from the fullest', async () => {
    const { project, clusterId } = await world({ desired: 0 });
    const zones = await policy(
      project,
      'zones',
      spec('senlin.policy.zone_placement', '1.0', {
        zones: [
          { name: 'az1', weight: 100 },
          { name: 'az2', weight: 100 },
        ],
      }),
    );
    await succeeded(project, await attach(project, clusterId, zones));
    const out = (await succeeded(
      project,
      await act(project, clusterId, { scale_out: { count: 4 } }),
    )) as unknown as Action;
    expect(out.data.creation).toMatchObject({ count: 4, zones: { az1: 2, az2: 2 } });
    const inZone = async () =>
      (await serversOf(clusterId)).map((s) => s.availability_zone).sort((a, b) => a.localeCompare(b));
    expect(await inZone()).toEqual(['az1', 'az1', 'az2', 'az2']);
    const nodes = await membersOf(project, clusterId);
    expect(
      nodes.map((n) => (n as unknown as { data: { placement: { zone: string } } }).data.placement.zone).sort(),
    ).toEqual(['az1', 'az1', 'az2', 'az2']);
    await succeeded(project, await act(project, clusterId, { scale_out: { count: 1 } }));
    await succeeded(project, await act(project, clusterId, { scale_in: { count: 1 } }));
    expect(await inZone()).toEqual(['az1', 'az1', 'az2', 'az2']);
  });

  /** The addresses in the pool of the load balancer this cluster's LB policy made (other tests' stay in the simulator). */
  const poolAddresses = async (project: string, clusterId: string, lb: string) => {
    const c = (await clusterOf(project, clusterId)) as unknown as {
      data: { loadbalancers: Record<string, { vip_address: string }> };
    };
    const vip = c.data.loadbalancers[lb].vip_address;
    const balancer = (h.sim.admin.resources({ type: 'loadbalancers' }).loadbalancers ?? []).find(
      (b) => b.vip_address === vip,
    );
    return (h.sim.admin.resources({ type: 'members', loadbalancer_id: balancer!.id }).members ?? [])
      .map((m) => m.address)
      .sort();
  };

  it('load balancing: an Octavia load balancer with every node a member, members following scale-out and scale-in, gone on detach', async () => {
    const { project, clusterId } = await world({ desired: 2 });
    const lb = await policy(
      project,
      'lb',
      spec('senlin.policy.loadbalance', '1.3', {
        pool: { protocol: 'HTTP', protocol_port: 80, subnet: 'private-subnet' },
        vip: { subnet: 'private-subnet', protocol: 'HTTP', protocol_port: 80 },
        health_monitor: { type: 'HTTP', delay: 5, timeout: 3, max_retries: 2 },
      }),
    );
    await succeeded(project, await attach(project, clusterId, lb));
    const [balancer] = h.sim.admin.resources({ type: 'loadbalancers' }).loadbalancers ?? [];
    expect(balancer).toMatchObject({ name: 'senlin-lb-web', provisioning_status: 'ACTIVE' });
    const membersNow = () =>
      (h.sim.admin.resources({ type: 'members', loadbalancer_id: balancer.id }).members ?? [])
        .map((m) => m.address)
        .sort();
    const addresses = async () => (await serversOf(clusterId)).map((s) => s.addresses.private?.[0]).sort();
    expect(membersNow()).toEqual(await addresses());
    const c = (await clusterOf(project, clusterId)) as unknown as { data: { loadbalancers: Record<string, unknown> } };
    expect(c.data.loadbalancers[lb]).toEqual({ vip_address: balancer.vip_address });

    await succeeded(project, await act(project, clusterId, { scale_out: { count: 2 } }));
    expect(membersNow()).toHaveLength(4);
    expect(membersNow()).toEqual(await addresses());
    await succeeded(project, await act(project, clusterId, { scale_in: { count: 3 } }));
    expect(membersNow()).toHaveLength(1);
    expect(membersNow()).toEqual(await addresses());

    await succeeded(project, await act(project, clusterId, { policy_detach: { policy_id: lb } }));
    expect(h.sim.admin.resources({ type: 'loadbalancers' }).loadbalancers ?? []).toHaveLength(0);
    const nodes = (await membersOf(project, clusterId)) as unknown as { data: Record<string, unknown> }[];
    expect(nodes.every((n) => !('lb_member' in n.data))).toBe(true);
  });

  it('load balancing follows a cluster recovery: a recreated node is a member at its new address', async () => {
    const { project, clusterId } = await world({ desired: 2 });
    const lb = await policy(
      project,
      'lb2',
      spec('senlin.policy.loadbalance', '1.0', {
        pool: { subnet: 'private-subnet' },
        vip: { subnet: 'private-subnet' },
      }),
    );
    await succeeded(project, await attach(project, clusterId, lb));
    const [broken] = await serversOf(clusterId);
    h.sim.admin.setServerStatus(broken.id, 'ERROR');
    await succeeded(project, await act(project, clusterId, { check: {} }));
    await succeeded(project, await act(project, clusterId, { recover: { operation: 'RECREATE' } }));
    const servers = await serversOf(clusterId);
    expect(servers.map((s) => s.id)).not.toContain(broken.id);
    expect(await poolAddresses(project, clusterId, lb)).toEqual(servers.map((s) => s.addresses.private?.[0]).sort());
  });

  it('load balancing follows a replace: the old member leaves the pool, the new one joins', async () => {
    const { project, clusterId } = await world({ desired: 2 });
    const lb = await policy(
      project,
      'lb3',
      spec('senlin.policy.loadbalance', '1.0', {
        pool: { subnet: 'private-subnet' },
        vip: { subnet: 'private-subnet' },
      }),
    );
    await succeeded(project, await attach(project, clusterId, lb));
    const orphan = await h.http<{ node: { id: string } }>('POST', '/v1/nodes', {
      project,
      body: { node: { name: 'spare', profile_id: 'web' } },
    });
    await succeeded(project, orphan);
    const [old] = await membersOf(project, clusterId);
    await succeeded(
      project,
      await h.http('POST', `/v1/clusters/${clusterId}/actions`, {
        project,
        version: '1.3',
        body: { replace_nodes: { nodes: { [old.id]: orphan.body.node.id } } },
      }),
    );
    const servers = await serversOf(clusterId);
    expect(servers.map((s) => s.id)).not.toContain(old.physical_id);
    expect(await poolAddresses(project, clusterId, lb)).toEqual(servers.map((s) => s.addresses.private?.[0]).sort());
  });

  it('affinity: anti-affinity through a Nova server group the policy made, deleted on detach', async () => {
    const { project, clusterId } = await world({ desired: 0 });
    const aff = await policy(
      project,
      'spread',
      spec('senlin.policy.affinity', '1.0', { servergroup: { policies: 'anti-affinity' } }),
    );
    await succeeded(project, await attach(project, clusterId, aff));
    const [group] = h.sim.admin.resources({ type: 'servergroups' }).servergroups ?? [];
    expect(group.policy).toBe('anti-affinity');
    await succeeded(project, await act(project, clusterId, { scale_out: { count: 2 } }));
    const servers = await serversOf(clusterId);
    expect(h.sim.admin.resources({ type: 'servergroups' }).servergroups?.[0].members.sort()).toEqual(
      servers.map((s) => s.id).sort(),
    );
    expect(new Set(servers.map((s) => s.host)).size).toBe(2);
    await succeeded(project, await act(project, clusterId, { scale_in: { count: 2 } }));
    await succeeded(project, await act(project, clusterId, { policy_detach: { policy_id: aff } }));
    expect(h.sim.admin.resources({ type: 'servergroups' }).servergroups ?? []).toHaveLength(0);
  });

  it('health: attach registers the cluster with the health manager, shrinking pauses it, detach unregisters', async () => {
    const { project, clusterId } = await world({ desired: 2 });
    const hp = await policy(
      project,
      'heal',
      spec('senlin.policy.health', '1.1', {
        detection: { interval: 60, detection_modes: [{ type: 'NODE_STATUS_POLLING' }] },
        recovery: { actions: [{ name: 'RECREATE' }] },
      }),
    );
    await succeeded(project, await attach(project, clusterId, hp));
    const registry = async () =>
      (await h.grove.dataSource.query(`SELECT * FROM health_registry WHERE cluster_id = $1`, [clusterId])) as {
        enabled: boolean;
        check_types: string[];
        interval: number;
      }[];
    expect(await registry()).toEqual([
      expect.objectContaining({ enabled: true, check_types: ['NODE_STATUS_POLLING'], interval: 60 }),
    ]);
    await succeeded(project, await act(project, clusterId, { scale_in: { count: 1 } }));
    expect((await registry())[0].enabled).toBe(true);
    await succeeded(project, await act(project, clusterId, { policy_update: { policy_id: hp, enabled: false } }));
    expect((await registry())[0].enabled).toBe(false);
    await succeeded(project, await act(project, clusterId, { policy_detach: { policy_id: hp } }));
    expect(await registry()).toEqual([]);
  });

  it('deletion hooks hold victims until the lifecycle is completed, telling a webhook URL (Grove) which node goes', async () => {
    const heard: Record<string, unknown>[] = [];
    const hook = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        heard.push(JSON.parse(body) as Record<string, unknown>);
        res.end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
      const { project, clusterId } = await world({ desired: 2 });
      const del = await policy(
        project,
        'hooked',
        spec('senlin.policy.deletion', '1.1', { hooks: { type: 'webhook', params: { url }, timeout: 120 } }),
      );
      await succeeded(project, await attach(project, clusterId, del));
      const inward = await act(project, clusterId, { scale_in: { count: 1 } });
      expect(inward.status).toBe(202);
      const parentId = (inward.body as { action: string }).action;
      let parent: { depends_on: string[]; status: string } = { depends_on: [], status: '' };
      for (let i = 0; i < 100 && !parent.depends_on.length; i++) {
        parent = (await h.http<{ action: typeof parent }>('GET', `/v1/actions/${parentId}`, { project })).body.action;
        await new Promise((r) => setTimeout(r, 50));
      }
      const [child] = parent.depends_on;
      const held = (await h.http<{ action: { status: string } }>('GET', `/v1/actions/${child}`, { project })).body
        .action;
      expect(held.status).toBe('WAITING_LIFECYCLE_COMPLETION');
      for (let i = 0; i < 100 && !heard.length; i++) await new Promise((r) => setTimeout(r, 20));
      expect(heard).toEqual([
        expect.objectContaining({ lifecycle_action_token: child, lifecycle_transition_type: 'termination' }),
      ]);
      expect(await membersOf(project, clusterId)).toHaveLength(2);

      const done = await h.http('POST', `/v1/clusters/${clusterId}/actions`, {
        project,
        version: '1.9',
        body: { complete_lifecycle: { lifecycle_action_token: child } },
      });
      expect(done.status).toBe(202);
      expect(done.headers.get('location')).toMatch(new RegExp(`/v1/actions/${child}$`));
      await h.waitForAction(parentId, { project, timeoutMs: 30_000 });
      expect(await membersOf(project, clusterId)).toHaveLength(1);
    } finally {
      hook.close();
    }
  });

  it('deletion hooks of type zaqar post their message to a queue of that name on the bus', async () => {
    const { project, clusterId } = await world({ desired: 2 });
    const queue = `hooks-${clusterId.slice(0, 8)}`;
    const del = await policy(
      project,
      'queued',
      spec('senlin.policy.deletion', '1.1', { hooks: { type: 'zaqar', params: { queue }, timeout: 1 } }),
    );
    await succeeded(project, await attach(project, clusterId, del));
    const inward = await succeeded(project, await act(project, clusterId, { scale_in: { count: 1 } }));
    const [victim] = (inward.outputs as { nodes_removed: string[] }).nodes_removed;
    // The hook timed out after a second and let the victim go; its message waits in the queue.
    const heard: unknown[] = [];
    const stop = await h.grove.bus.consumeQueue(queue, async (m) => {
      heard.push(m.data);
    });
    for (let i = 0; i < 50 && !heard.length; i++) await new Promise((r) => setTimeout(r, 20));
    await stop();
    expect(heard).toEqual([expect.objectContaining({ node_id: victim, lifecycle_transition_type: 'termination' })]);
  });

  it('a batch policy rolls a new profile over the members in waves', async () => {
    const { project, clusterId } = await world({ desired: 3 });
    const batch = await policy(
      project,
      'waves',
      spec('senlin.policy.batch', '1.0', { min_in_service: 2, max_batch_size: 1, pause_time: 0 }),
    );
    await succeeded(project, await attach(project, clusterId, batch));
    await h.http('POST', '/v1/profiles', {
      project,
      body: {
        profile: {
          name: 'web2',
          spec: {
            type: 'os.nova.server',
            version: '1.0',
            properties: { flavor: 'm1.small', image: 'cirros-0.6.2-x86_64-disk', networks: [{ network: 'private' }] },
          },
        },
      },
    });
    const updated = (await succeeded(
      project,
      await h.http('PATCH', `/v1/clusters/${clusterId}`, { project, body: { cluster: { profile_id: 'web2' } } }),
    )) as unknown as Action;
    const plan = (updated.data.update as { plan: string[][] }).plan;
    expect(plan.map((b) => b.length)).toEqual([1, 1, 1]);
    const children = await h.http<{ actions: { start_time: number; end_time: number }[] }>(
      'GET',
      `/v1/actions?action=NODE_UPDATE`,
      { project },
    );
    // One wave at a time: each node's update starts once the one before it has ended.
    const waves = children.body.actions.sort((a, b) => a.start_time - b.start_time);
    expect(waves).toHaveLength(3);
    for (let i = 1; i < waves.length; i++) expect(waves[i].start_time).toBeGreaterThanOrEqual(waves[i - 1].end_time);
    const c = await clusterOf(project, clusterId);
    expect(c.status).toBe('ACTIVE');
  });

  it('a bad spec is a 400 naming the property', async () => {
    const project = 'p-bad-spec';
    const bad = await h.http<{ error: { message: string; type: string } }>('POST', '/v1/policies', {
      project,
      body: {
        policy: { name: 'bad', spec: spec('senlin.policy.scaling', '1.0', { event: 'CLUSTER_SCALE_OUT', bogus: 1 }) },
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ type: 'InvalidSpec', message: "Unrecognizable spec item 'bogus'" });
    const unknown = await h.http('POST', '/v1/policies', {
      project,
      body: { policy: { name: 'bad', spec: spec('senlin.policy.bogus', '1.0', {}) } },
    });
    expect(unknown.status).toBe(404);
  });
});
