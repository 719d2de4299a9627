import { Client } from 'pg';
import {
  actionOf,
  apiClient,
  cloudAdminClient,
  startGroveProcesses,
  type GroveProcesses,
  type HttpAnswer,
} from '@grove/testing';

const PROFILE = {
  type: 'os.nova.server',
  version: '1.0',
  properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk', networks: [{ network: 'private' }] },
};
const SCALE_OUT_BY_ONE = {
  type: 'senlin.policy.scaling',
  version: '1.0',
  properties: { event: 'CLUSTER_SCALE_OUT', adjustment: { type: 'CHANGE_IN_CAPACITY', number: 1, cooldown: 0 } },
};
const TRIGGERS = 100;

interface Answer {
  status: number;
  location: string | null;
  body: { action?: string; error?: { type: string; message: string } } | null;
}

/**
 * A hundred alarms firing at once at one webhook, against the api and two engines as separate
 * processes: each trigger is either accepted (202) or refused with 409 exactly where Senlin refuses
 * one (while another action holds or waits for the cluster), and the cluster ends as the accepted
 * ones run one after another would leave it: none lost, none run twice.
 */
describe('concurrent webhook triggers on one cluster', () => {
  let grove: GroveProcesses;
  const api = apiClient(() => grove.apiUrl);

  beforeAll(async () => {
    grove = await startGroveProcesses({ engines: 2, label: 'e2e-hooks' });
  }, 120_000);

  afterAll(async () => {
    await grove?.stop();
  }, 60_000);

  const ok = async <T>(answer: Promise<HttpAnswer<T>>, status: number) => {
    const a = await answer;
    if (a.status !== status) throw new Error(`expected ${status}, got ${a.status}: ${JSON.stringify(a.body)}`);
    return a;
  };
  const succeeded = async (id: string) => {
    const action = await api.waitForAction(id, { timeoutMs: 60_000 });
    if (action.status !== 'SUCCEEDED')
      throw new Error(
        `${String(action.action)} ${id} ended ${String(action.status)}: ${String(action.status_reason)}\n${grove.logs()}`,
      );
    return action;
  };

  /** A cluster of `size` with the scale-out policy attached, and a webhook receiver that scales it out. */
  const scalingCluster = async (name: string, size: number) => {
    await ok(api.http('POST', '/v1/profiles', { body: { profile: { name, spec: PROFILE } } }), 201);
    const created = await ok(
      api.http<{ cluster: { id: string } }>('POST', '/v1/clusters', {
        body: { cluster: { name, profile_id: name, desired_capacity: size, min_size: 0, max_size: -1 } },
      }),
      202,
    );
    await succeeded(actionOf(created));
    const clusterId = created.body.cluster.id;
    const policy = await ok(
      api.http<{ policy: { id: string } }>('POST', '/v1/policies', {
        body: { policy: { name, spec: SCALE_OUT_BY_ONE } },
      }),
      201,
    );
    const attach = await ok(
      api.http<{ action: string }>('POST', `/v1/clusters/${clusterId}/actions`, {
        body: { policy_attach: { policy_id: policy.body.policy.id } },
      }),
      202,
    );
    await succeeded(attach.body.action);
    const receiver = await ok(
      api.http<{ receiver: { channel: { alarm_url: string } } }>('POST', '/v1/receivers', {
        body: { receiver: { name, type: 'webhook', cluster_id: clusterId, action: 'CLUSTER_SCALE_OUT' } },
      }),
      201,
    );
    return { clusterId, alarmUrl: receiver.body.receiver.channel.alarm_url };
  };

  /**
   * How many times each action found its target locked and went back to READY (Grove's `retries`
   * column; no view shows it). A trigger accepted while another scale-out was queued or running
   * would meet that one's cluster lock at least once.
   */
  const lockRetries = async (ids: string[]): Promise<number[]> => {
    const db = new Client({ connectionString: grove.dbUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ retries: number }>('SELECT retries FROM action WHERE id = ANY($1)', [ids]);
      return rows.map((r) => r.retries);
    } finally {
      await db.end();
    }
  };

  const located = (a: Answer) => a.location?.split('/').pop();

  /** `n` POSTs to the alarm URL, all in flight at once, as alarm senders post them (no token). */
  const fire = (url: string, n: number, headers: Record<string, string> = {}): Promise<Answer[]> =>
    Promise.all(
      Array.from({ length: n }, async () => {
        const res = await fetch(url, { method: 'POST', headers });
        const text = await res.text();
        return { status: res.status, location: res.headers.get('location'), body: text ? JSON.parse(text) : null };
      }),
    );

  const scaleOuts = async (clusterId: string) =>
    (
      await api.http<{ actions: { id: string; status: string }[] }>(
        'GET',
        `/v1/actions?target=${clusterId}&action=CLUSTER_SCALE_OUT&limit=1000`,
      )
    ).body.actions;

  /** The cluster, its members and what the cloud holds for it all say `size`. */
  const expectSize = async (clusterId: string, size: number) => {
    const { body } = await api.http<{ cluster: { desired_capacity: number; nodes: string[]; status: string } }>(
      'GET',
      `/v1/clusters/${clusterId}`,
    );
    expect({
      status: body.cluster.status,
      desired: body.cluster.desired_capacity,
      members: body.cluster.nodes.length,
    }).toEqual({ status: 'ACTIVE', desired: size, members: size });
    const nodes = await api.http<{ nodes: { physical_id: string; status: string }[] }>(
      'GET',
      `/v1/nodes?cluster_id=${clusterId}&limit=1000`,
    );
    expect(nodes.body.nodes.every((n) => n.status === 'ACTIVE')).toBe(true);
    const servers = await cloudAdminClient(grove.simUrl).servers({ metadata: { cluster_id: clusterId } });
    expect(servers.map((s) => s.id).sort()).toEqual(nodes.body.nodes.map((n) => n.physical_id).sort());
  };

  it('accepts or refuses each of 100 simultaneous triggers, and grows by exactly the accepted ones', async () => {
    const initial = 1;
    const { clusterId, alarmUrl } = await scalingCluster('hooks', initial);

    const answers = await fire(alarmUrl, TRIGGERS);

    const statuses = [...new Set(answers.map((a) => a.status))].sort();
    expect(statuses.every((s) => s === 202 || s === 409)).toBe(true);
    const accepted = answers.filter((a) => a.status === 202).map((a) => a.body!.action!);
    expect(accepted.length).toBeGreaterThan(0);
    expect(new Set(accepted).size).toBe(accepted.length);
    for (const a of answers.filter((x) => x.status === 202)) expect(located(a)).toBe(a.body!.action);

    // A refusal is Senlin's: the cluster is locked by a running action, or another waits for it.
    for (const refused of answers.filter((a) => a.status === 409)) {
      expect(['ActionConflict', 'ResourceIsLocked']).toContain(refused.body!.error!.type);
      const named = /conflicts with the following action\(s\): (.+)$/.exec(refused.body!.error!.message)?.[1];
      if (named) for (const id of named.split(',')) expect(accepted).toContain(id);
    }

    // Every accepted trigger made one action and nothing else made any; each ran to the end, one
    // after another.
    expect((await scaleOuts(clusterId)).map((a) => a.id).sort()).toEqual([...accepted].sort());
    const ran = [];
    for (const id of accepted) ran.push(await succeeded(id));
    ran.sort((a, b) => Number(a.start_time) - Number(b.start_time));
    // Each was accepted while the cluster was free: none waited for another's lock.
    expect(await lockRetries(accepted)).toEqual(accepted.map(() => 0));
    for (let i = 1; i < ran.length; i++)
      expect(Number(ran[i].start_time)).toBeGreaterThanOrEqual(Number(ran[i - 1].end_time));
    await expectSize(clusterId, initial + accepted.length);
  }, 180_000);

  it('acts once for 100 simultaneous triggers that share an Idempotency-Key, and answers each with that action', async () => {
    const initial = 2;
    const { clusterId, alarmUrl } = await scalingCluster('keyed', initial);

    const answers = await fire(alarmUrl, TRIGGERS, { 'Idempotency-Key': `alarm-${Date.now()}` });

    expect(answers.map((a) => a.status)).toEqual(Array(TRIGGERS).fill(202));
    const ids = new Set(answers.map((a) => a.body!.action));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    expect(new Set(answers.map(located))).toEqual(ids);
    expect((await scaleOuts(clusterId)).map((a) => a.id)).toEqual([id]);
    await succeeded(id!);
    await expectSize(clusterId, initial + 1);
  }, 180_000);
});
