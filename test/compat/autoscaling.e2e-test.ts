import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiClient, cloudAdminClient, startGroveProcesses, type GroveProcesses } from '@grove/testing';
import { curlPost, jsonField, openstackCli, runPython } from './support/clients';

const PROFILE = {
  type: 'os.nova.server',
  version: '1.0',
  properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk', networks: [{ network: 'private' }] },
};
const scaling = (event: string, number: number) => ({
  type: 'senlin.policy.scaling',
  version: '1.0',
  properties: { event, adjustment: { type: 'CHANGE_IN_CAPACITY', number, cooldown: 0 } },
});
const POLICIES = {
  'scale-out': scaling('CLUSTER_SCALE_OUT', 2),
  'scale-in': scaling('CLUSTER_SCALE_IN', 2),
  deletion: { type: 'senlin.policy.deletion', version: '1.0', properties: { criteria: 'OLDEST_FIRST' } },
  lb: {
    type: 'senlin.policy.loadbalance',
    version: '1.1',
    properties: {
      pool: { protocol: 'HTTP', protocol_port: 80, subnet: 'private-subnet' },
      vip: { subnet: 'private-subnet', protocol: 'HTTP', protocol_port: 80 },
    },
  },
};

/** What the policies decided, under Senlin's keys of an action's `data`. */
interface PolicyDecisions {
  creation?: { count: number };
  deletion?: { count: number; candidates: string[] };
}

/**
 * An autoscaling web tier as a user builds it with Senlin's own clients, against Grove's separate
 * processes: scaling (out and in), deletion (OLDEST_FIRST) and load-balancing policies on a
 * cluster, a webhook receiver hit with plain curl, a scale-in, the victims and the load balancer's
 * members checked in the simulated cloud, then everything detached and deleted.
 */
describe('policies and receivers through the openstack CLI and openstacksdk', () => {
  let grove: GroveProcesses;
  const api = apiClient(() => grove.apiUrl);
  const cli = openstackCli({ apiUrl: () => grove.apiUrl, microversion: '1.14' });
  const cloud = () => cloudAdminClient(grove.simUrl);

  beforeAll(async () => {
    grove = await startGroveProcesses({ engines: 1, label: 'compat-as' });
  }, 120_000);

  afterAll(async () => {
    await grove?.stop();
  }, 60_000);

  const succeeded = async (actionId: string) => {
    const action = await api.waitForAction(actionId, { timeoutMs: 60_000 });
    if (action.status !== 'SUCCEEDED')
      throw new Error(
        `${String(action.action)} ${actionId} ended ${String(action.status)}: ${String(action.status_reason)}\n${grove.logs()}`,
      );
    return action;
  };

  /** `data` as the API holds it (openstacksdk's Action has no `data` field, so the CLI cannot print it). */
  const actionData = async (actionId: string) =>
    (await api.http<{ action: { data: PolicyDecisions } }>('GET', `/v1/actions/${actionId}`, { version: '1.14' })).body
      .action.data;

  /** Each LB member's address next to the fixed address of each server the cluster has in the cloud. */
  const membersAndServers = async (clusterId: string, poolId: string) => {
    const [members, servers] = await Promise.all([
      cloud().members({ pool_id: poolId }),
      cloud().servers({ metadata: { cluster_id: clusterId } }),
    ]);
    return {
      members: members.map((m) => m.address).sort(),
      servers: servers.map((s) => Object.values(s.addresses).flat()[0]).sort(),
    };
  };

  it('runs the scenario with the openstack CLI at microversion 1.14 and curl', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'grove-cli-specs-'));
    const specFile = (name: string, spec: unknown) => {
      const file = join(dir, `${name}.yaml`);
      writeFileSync(file, JSON.stringify(spec)); // JSON is YAML
      return file;
    };

    // (1) A profile, a cluster of two, four policies, each attach waited for: Grove refuses (409)
    // an attach while another action changes the cluster, as Senlin does.
    await cli.json(`cluster profile create --spec-file ${specFile('web', PROFILE)} cli-web`);
    const created = await cli.json<{ id: string; status: string }>(
      'cluster create --profile cli-web --desired-capacity 2 --min-size 1 --max-size 10 cli-web',
    );
    expect(created.status).toBe('INIT');
    const clusterId = created.id;
    // Reads that only set the scene go to the API: each CLI run costs seconds on a busy machine.
    const creating = await api.http<{ actions: { id: string }[] }>(
      'GET',
      `/v1/actions?target=${clusterId}&action=CLUSTER_CREATE`,
    );
    await succeeded(creating.body.actions[0].id);
    const shown = await api.http<{ cluster: { nodes: string[] } }>('GET', `/v1/clusters/${clusterId}`);
    const initial = [...shown.body.cluster.nodes].sort();
    expect(initial).toHaveLength(2);

    await Promise.all(
      Object.entries(POLICIES).map(([name, spec]) =>
        cli.json(`cluster policy create --spec-file ${specFile(name, spec)} cli-${name}`),
      ),
    );
    for (const name of Object.keys(POLICIES))
      await succeeded(await cli.accepted(`cluster policy attach --policy cli-${name} cli-web`));
    // In parallel where nothing depends on the order.
    const [bindings, lbBinding, receiver] = await Promise.all([
      cli.json<{ policy_name: string; policy_type: string; is_enabled: boolean }[]>(
        'cluster policy binding list cli-web',
      ),
      cli.json<{ data: { LoadBalancingPolicy: { data: { loadbalancer: string; pool: string } } } }>(
        'cluster policy binding show --policy cli-lb cli-web',
      ),
      // (2) A webhook receiver, triggered below with plain curl at the exact alarm_url of its channel.
      cli.json<{ channel: string; action: string; cluster_id: string }>(
        'cluster receiver create --cluster cli-web --action CLUSTER_SCALE_OUT cli-grow',
      ),
    ]);
    expect(bindings.map((b) => `${b.policy_name}=${b.policy_type}`).sort()).toEqual([
      'cli-deletion=senlin.policy.deletion-1.0',
      'cli-lb=senlin.policy.loadbalance-1.1',
      'cli-scale-in=senlin.policy.scaling-1.0',
      'cli-scale-out=senlin.policy.scaling-1.0',
    ]);
    expect(bindings.every((b) => b.is_enabled)).toBe(true);
    const { loadbalancer, pool } = lbBinding.data.LoadBalancingPolicy.data;
    expect((await cloud().loadBalancers()).map((lb) => lb.id)).toContain(loadbalancer);
    const attached = await membersAndServers(clusterId, pool);
    expect(attached.members).toHaveLength(2);
    expect(attached.members).toEqual(attached.servers);

    expect(receiver).toMatchObject({ action: 'CLUSTER_SCALE_OUT', cluster_id: clusterId });
    const alarmUrl = jsonField<{ alarm_url: string }>(receiver.channel).alarm_url;
    expect(alarmUrl).toMatch(new RegExp(`^${grove.apiUrl}/v1/webhooks/[0-9a-f-]{36}/trigger\\?V=2$`));
    const trigger = await curlPost(alarmUrl);
    expect(trigger.status).toBe(202);
    const scaleOutId = trigger.location!.split('/').pop()!;
    expect(JSON.parse(trigger.body)).toEqual({ action: scaleOutId });

    // (3) The cluster grows by the scale-out policy's two.
    await succeeded(scaleOutId);
    const [shownOut, grown] = await Promise.all([
      cli.json<{ action: string; status: string; outputs: string; cluster_id: string }>(
        `cluster action show ${scaleOutId}`,
      ),
      cli.json<{ desired_capacity: number; node_ids: string; status: string }>('cluster show cli-web'),
    ]);
    expect(shownOut).toMatchObject({ action: 'CLUSTER_SCALE_OUT', status: 'SUCCEEDED', cluster_id: clusterId });
    const added = jsonField<{ nodes_added: string[] }>(shownOut.outputs).nodes_added.sort();
    expect(added).toHaveLength(2);
    expect((await actionData(scaleOutId)).creation).toMatchObject({ count: 2 });
    expect(grown.status).toBe('ACTIVE');
    expect(grown.desired_capacity).toBe(4);
    expect(grown.node_ids.split('\n').sort()).toEqual([...initial, ...added].sort());
    const atFour = await membersAndServers(clusterId, pool);
    expect(atFour.members).toHaveLength(4);
    expect(atFour.members).toEqual(atFour.servers);

    // (4) `cluster shrink` with no count: the scale-in policy's two, the oldest first.
    const scaleInId = await cli.accepted('cluster shrink cli-web');
    await succeeded(scaleInId);
    const deletion = (await actionData(scaleInId)).deletion!;
    expect(deletion.count).toBe(2);
    expect([...deletion.candidates].sort()).toEqual(initial);
    const members = await cli.json<{ id: string; status: string }[]>('cluster members list --full-id cli-web');
    expect(members.map((m) => m.id).sort()).toEqual(added);
    expect(members.every((m) => m.status === 'ACTIVE')).toBe(true);
    const atTwo = await membersAndServers(clusterId, pool);
    expect(atTwo.members).toHaveLength(2);
    expect(atTwo.members).toEqual(atTwo.servers);

    // (5) Detach everything (the load balancer goes with its policy), then delete it all.
    for (const name of Object.keys(POLICIES))
      await succeeded(await cli.accepted(`cluster policy detach --policy cli-${name} cli-web`));
    const [unbound] = await Promise.all([
      cli.json('cluster policy binding list cli-web'),
      cli.run('cluster receiver delete --force cli-grow'),
    ]);
    expect(unbound).toEqual([]);
    expect((await cloud().loadBalancers()).map((lb) => lb.id)).not.toContain(loadbalancer);
    expect(await cloud().members({ pool_id: pool })).toEqual([]);

    await succeeded(await cli.deleteCluster('cli-web'));
    expect((await api.http('GET', `/v1/clusters/${clusterId}`)).status).toBe(404);
    const policies = Object.keys(POLICIES).map((n) => `cli-${n}`);
    await Promise.all([
      cli.run(`cluster policy delete --force ${policies.join(' ')}`),
      cli.run('cluster profile delete --force cli-web'),
    ]);
    const left = await Promise.all(
      ['policies', 'receivers', 'profiles', 'clusters'].map(async (kind) => {
        const { body } = await api.http<Record<string, unknown[]>>('GET', `/v1/${kind}`);
        return body[kind];
      }),
    );
    expect(left).toEqual([[], [], [], []]);
    expect(await cloud().servers({ metadata: { cluster_id: clusterId } })).toEqual([]);
  }, 300_000);

  it('runs the scenario with openstacksdk and curl', async () => {
    const run = await runPython(join(__dirname, 'sdk_autoscaling.py'), {
      GROVE_URL: grove.apiUrl,
      SIM_URL: grove.simUrl,
    }).catch((e: Error) => {
      throw new Error(`${e.message}\n${grove.logs()}`);
    });
    expect(run.stdout).toContain('openstacksdk autoscaling: all steps behaved');
  }, 300_000);
});
