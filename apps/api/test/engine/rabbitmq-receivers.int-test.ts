import { randomUUID } from 'node:crypto';
import amqplib from 'amqplib';
import { deleteTestQueues, TEST_AMQP_URL, testQueuePrefix } from '@grove/testing';
import { ReceiverQueues } from '../../src/receivers/receiver-queues.service';
import { useGrove } from '../../src/testing/grove-harness';
import { clusterWorld } from './cluster-world';

/**
 * What needs the real RabbitMQ: message receivers (Grove's queues in place of Zaqar's) and the
 * notifications every event becomes.
 */
const prefix = testQueuePrefix('rmq');
const h = useGrove({ AMQP_URL: TEST_AMQP_URL, AMQP_PREFIX: prefix, AMQP_QUEUE_EXPIRES_S: '300' });
const { succeeded, world, clusterOf } = clusterWorld(h);
const listener = `${prefix}.listener`;

let conn: amqplib.ChannelModel;
let ch: amqplib.ConfirmChannel;

beforeAll(async () => {
  conn = await amqplib.connect(TEST_AMQP_URL);
  conn.on('error', () => undefined);
  ch = await conn.createConfirmChannel();
  ch.on('error', () => undefined);
  // A consumer of notifications, bound before anything happens.
  await ch.assertExchange(`${prefix}.notifications`, 'topic', { durable: true });
  await ch.assertQueue(listener, { durable: false, arguments: { 'x-expires': 300_000 } });
  await ch.bindQueue(listener, `${prefix}.notifications`, 'cluster.#');
  await ch.bindQueue(listener, `${prefix}.notifications`, 'node.*.*');
});

afterAll(async () => {
  await conn?.close();
  await deleteTestQueues(prefix, { queues: [listener] });
});

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What a user's own publisher does: a JSON message on the receiver's queue. */
async function send(queue: string, body: unknown, messageId = randomUUID()): Promise<string> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  ch.sendToQueue(queue, Buffer.from(raw), { messageId, persistent: true });
  await ch.waitForConfirms();
  return messageId;
}

/** Messages waiting in a queue; null when it does not exist. */
async function depth(queue: string): Promise<number | null> {
  const side = await conn.createChannel();
  side.on('error', () => undefined);
  try {
    return (await side.checkQueue(queue)).messageCount;
  } catch {
    return null;
  } finally {
    await side.close().catch(() => undefined);
  }
}

interface MessageReceiver {
  id: string;
  channel: { queue_name: string; host: string; port: number; vhost: string };
}

async function messageReceiver(project: string, user = 'default'): Promise<MessageReceiver> {
  const a = await h.http<{ receiver: MessageReceiver }>('POST', '/v1/receivers', {
    project,
    headers: { 'x-user-id': user },
    body: { receiver: { name: 'inbox', type: 'message' } },
  });
  expect(a.status).toBe(201);
  return a.body.receiver;
}

const errorsOf = async (project: string, clusterId: string) =>
  (
    await h.http<{ events: { status: string; status_reason: string; action: string }[] }>(
      'GET',
      `/v1/events?oid=${clusterId}&level=ERROR`,
      { project },
    )
  ).body.events;

describe('message receivers', () => {
  it('get a durable queue named as Senlin names it, and a channel that says how to reach it without credentials', async () => {
    const r = await messageReceiver('p-msg-channel');
    expect(r.channel).toEqual({ queue_name: `senlin-receiver-${r.id}`, host: '127.0.0.1', port: 5672, vhost: '/' });
    expect(JSON.stringify(r)).not.toContain('guest');
    expect(await depth(r.channel.queue_name)).toBe(0);
  });

  it('scale the cluster a message names, as the receiver’s owner', async () => {
    const { project, clusterId } = await world({ desired: 1 });
    const r = await messageReceiver(project);
    const messageId = await send(r.channel.queue_name, {
      cluster: 'web',
      action: 'CLUSTER_SCALE_OUT',
      params: { count: 1 },
    });
    const name = `receiver_${r.id.slice(0, 8)}_${messageId.slice(0, 8)}`;
    const action = await until('the action', async () => {
      const a = await h.http<{ actions: { id: string; name: string; user: string }[] }>(
        'GET',
        `/v1/actions?name=${name}`,
        { project },
      );
      return a.body.actions[0];
    });
    expect(action.user).toBe('default');
    await h.waitForAction(action.id, { project, timeoutMs: 30_000 });
    expect(await clusterOf(project, clusterId)).toMatchObject({ desired_capacity: 2, status: 'ACTIVE' });
    expect(await depth(r.channel.queue_name)).toBe(0);
  });

  it('drop malformed messages with a log line, and go on with the next', async () => {
    const { project, clusterId } = await world({ desired: 0 });
    const r = await messageReceiver(project);
    await send(r.channel.queue_name, 'not json {');
    await send(r.channel.queue_name, { cluster: 'web' });
    await send(r.channel.queue_name, { cluster: 'web', action: 'CLUSTER_EXPLODE' });
    await send(r.channel.queue_name, { body: { cluster: clusterId, action: 'CLUSTER_SCALE_OUT' } });
    await until('scaled by the last one', async () => (await clusterOf(project, clusterId)).desired_capacity === 1);
    await until('queue drained', async () => (await depth(r.channel.queue_name)) === 0);
    expect(await errorsOf(project, clusterId)).toEqual([]);
  });

  it('record a refused message as an error event of its cluster', async () => {
    const { project, clusterId } = await world({ desired: 0 });
    const r = await messageReceiver(project);
    const stranger = await messageReceiver(project, 'not-the-owner');
    await send(r.channel.queue_name, { cluster: 'web', action: 'CLUSTER_SCALE_OUT', params: { count: 'many' } });
    await send(r.channel.queue_name, { cluster: 'web', action: 'CLUSTER_CREATE' });
    await send(stranger.channel.queue_name, { cluster: 'web', action: 'CLUSTER_SCALE_OUT' });
    const refused = await until('three refusals', async () => {
      const e = await errorsOf(project, clusterId);
      return e.length === 3 && e;
    });
    expect(refused.map((e) => e.status_reason)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Message to receiver inbox \(\w{8}\) refused: Action name cannot be any of/),
        expect.stringMatching(/refused: The value for count must be an integer: 'many'\.$/),
        expect.stringMatching(/refused: not-the-owner is not allowed to trigger actions on cluster web\.$/),
      ]),
    );
    expect(refused.every((e) => e.status === 'error')).toBe(true);
    expect((await clusterOf(project, clusterId)).desired_capacity).toBe(0);
  });

  it('are followed by an api process that did not make them at its next resync', async () => {
    const { project, clusterId } = await world({ desired: 0 });
    // What another api process leaves behind: the row and the queue, and no consumer here.
    const id = randomUUID();
    const queue = `senlin-receiver-${id}`;
    await ch.assertQueue(queue, { durable: true, arguments: { 'x-expires': 300_000 } });
    await h.grove.dataSource.query(
      `INSERT INTO receiver (id, name, type, user_id, project, channel) VALUES ($1, 'elsewhere', 'message', 'default', $2, $3)`,
      [id, project, JSON.stringify({ queue_name: queue })],
    );
    await send(queue, { cluster: clusterId, action: 'CLUSTER_SCALE_OUT' });
    await new Promise((r) => setTimeout(r, 300));
    expect(await depth(queue)).toBe(1);
    await h.grove.app.get(ReceiverQueues).resync();
    await until('scaled', async () => (await clusterOf(project, clusterId)).desired_capacity === 1);
    expect((await h.http('DELETE', `/v1/receivers/${id}`, { project })).status).toBe(204);
  });

  it('answer notify with 204 for their owner, and lose their queue when deleted', async () => {
    const r = await messageReceiver('p-msg-delete');
    const notified = await h.http('POST', `/v1/receivers/${r.id}/notify`, { project: 'p-msg-delete' });
    expect(notified.status).toBe(204);
    const stranger = await h.http('POST', `/v1/receivers/${r.id}/notify`, {
      project: 'p-msg-delete',
      headers: { 'x-user-id': 'someone' },
    });
    expect(stranger.status).toBe(403);
    expect((await h.http('DELETE', `/v1/receivers/${r.id}`, { project: 'p-msg-delete' })).status).toBe(204);
    await until('queue gone', async () => (await depth(r.channel.queue_name)) === null);
  });
});

describe('notifications', () => {
  interface Notification {
    version: string;
    message_id: string;
    publisher_id: string;
    event_type: string;
    priority: string;
    timestamp: string;
    payload: {
      version: string;
      event: { id: string; oid: string; status: string };
      cluster?: { id: string; status: string; desired_capacity: number };
      node?: { id: string; cluster_id: string };
      action: { id: string; action: string } | null;
    };
  }

  it("carry every event of a cluster's create, once each, routed by event type", async () => {
    const { project, clusterId } = await world({ desired: 2 });
    const events = (
      await h.http<{ events: { id: string; oid: string; cluster_id: string }[] }>(
        'GET',
        `/v1/events?cluster_id=${clusterId}&limit=1000`,
        { project },
      )
    ).body.events;
    const got: { key: string; n: Notification }[] = [];
    await until('every event published', async () => {
      for (let m = await ch.get(listener, { noAck: true }); m; m = await ch.get(listener, { noAck: true })) {
        const n = JSON.parse(m.content.toString()) as Notification;
        got.push({ key: m.fields.routingKey, n });
      }
      const ids = new Set(got.map((g) => g.n.message_id));
      return events.every((e) => ids.has(e.id));
    });
    const mine = got.filter((g) => events.some((e) => e.id === g.n.message_id));
    expect(mine).toHaveLength(events.length);
    expect(new Set(mine.map((g) => g.n.message_id)).size).toBe(events.length);
    for (const { key, n } of mine) {
      expect(key).toBe(n.event_type);
      expect(n).toMatchObject({
        version: '1.0',
        publisher_id: expect.stringMatching(/^grove-engine:/),
        priority: 'INFO',
        payload: { version: '1.0', event: { id: n.message_id } },
      });
    }
    const keys = mine.map((g) => g.key);
    expect(keys).toEqual(
      expect.arrayContaining(['cluster.create.start', 'cluster.create.end', 'node.create.start', 'node.create.end']),
    );
    const end = mine.find((g) => g.key === 'cluster.create.end')!.n;
    expect(end.payload.cluster).toMatchObject({ id: clusterId, status: 'ACTIVE', desired_capacity: 2 });
    expect(end.payload.action).toMatchObject({ action: 'CLUSTER_CREATE' });
    const node = mine.find((g) => g.key === 'node.create.end')!.n;
    expect(node.payload.node).toMatchObject({ cluster_id: clusterId });
    expect(node.payload.action).toMatchObject({ action: 'NODE_CREATE' });
    const left = await h.grove.dataSource.query(
      `SELECT count(*)::int AS n FROM event WHERE cluster_id = $1 AND NOT published`,
      [clusterId],
    );
    expect(left[0].n).toBe(0);
  });

  it('follow a scale-out triggered by a webhook: cluster.scale_out.end', async () => {
    const { project, clusterId } = await world({ desired: 0 });
    const r = await h.http<{ receiver: { channel: { alarm_url: string } } }>('POST', '/v1/receivers', {
      project,
      body: { receiver: { name: 'hook', type: 'webhook', cluster_id: clusterId, action: 'CLUSTER_SCALE_OUT' } },
    });
    const res = await fetch(r.body.receiver.channel.alarm_url, { method: 'POST' });
    await succeeded(project, { status: res.status, headers: res.headers, body: await res.json() });
    await until('cluster.scale_out.end', async () => {
      for (let m = await ch.get(listener, { noAck: true }); m; m = await ch.get(listener, { noAck: true })) {
        const n = JSON.parse(m.content.toString()) as Notification;
        if (m.fields.routingKey === 'cluster.scale_out.end' && n.payload.cluster?.id === clusterId) return true;
      }
      return false;
    });
  });
});
