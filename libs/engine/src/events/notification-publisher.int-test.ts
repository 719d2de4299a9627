import amqplib from 'amqplib';
import { EngineConfig, createRootLogger, loadConfig } from '@grove/core';
import { EventRepository, type EventEntity } from '@grove/db';
import { AmqpBackend, InProcessBackend, type BusBackend } from '@grove/rpc';
import {
  deleteTestQueues,
  make,
  TEST_AMQP_URL,
  TEST_QUEUE_EXPIRES_MS,
  testQueuePrefix,
  useTestDatabase,
} from '@grove/testing';
import { clusterObject, events, nodeObject } from './event-writer';
import type { Notification } from './notification';
import { NotificationPublisher } from './notification-publisher';

/**
 * The outbox against the real Postgres and RabbitMQ: what goes out, once, and what stays in when
 * the broker cannot take it.
 */
describe('NotificationPublisher', () => {
  jest.setTimeout(60_000);
  const db = useTestDatabase();
  const prefix = testQueuePrefix('notify');
  const exchange = `${prefix}.notifications`;
  const listener = `${prefix}.listener`;
  const log = createRootLogger('test', { level: 'silent' });
  const buses: BusBackend[] = [];
  /** One repository, as the app has one: its inserts wake the publishers built on it. */
  let repo: EventRepository;
  let conn: amqplib.ChannelModel;
  let ch: amqplib.Channel;

  const config = (env: Record<string, string> = {}) =>
    loadConfig(EngineConfig, {
      env: { CLOUD_AUTH_URL: 'http://127.0.0.1:1/v3', CLOUD_PASSWORD: 'x', AMQP_PREFIX: prefix, ...env },
      groups: ['cloud'],
    });

  function publisher(bus: BusBackend, env: Record<string, string> = {}) {
    buses.push(bus);
    return new NotificationPublisher(
      { config: config(env), engineId: 'e', host: 'test-host' },
      log,
      bus,
      db.dataSource,
      repo,
    );
  }
  const amqpBus = (url = TEST_AMQP_URL) => new AmqpBackend({ url, prefix, queueExpiresMs: TEST_QUEUE_EXPIRES_MS });

  beforeAll(async () => {
    repo = new EventRepository(db.dataSource);
    conn = await amqplib.connect(TEST_AMQP_URL);
    ch = await conn.createChannel();
    await ch.assertExchange(exchange, 'topic', { durable: true });
    await ch.assertQueue(listener, { durable: false, arguments: { 'x-expires': TEST_QUEUE_EXPIRES_MS } });
    await ch.bindQueue(listener, exchange, '#');
  });

  afterAll(async () => {
    await Promise.all(buses.map((b) => b.close()));
    await conn?.close();
    await deleteTestQueues(prefix, { queues: [listener] });
  });

  /** Everything on the listener queue now (after waiting for `n` messages). */
  async function received(n: number): Promise<{ key: string; body: Notification }[]> {
    const out: { key: string; body: Notification }[] = [];
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const m = await ch.get(listener, { noAck: true });
      if (m) out.push({ key: m.fields.routingKey, body: JSON.parse(m.content.toString()) as Notification });
      else if (out.length >= n) break;
      else await new Promise((r) => setTimeout(r, 50));
    }
    return out;
  }

  const unpublished = async () =>
    Number((await db.dataSource.query(`SELECT count(*) AS n FROM event WHERE NOT published`))[0].n);

  async function someEvents(n: number): Promise<EventEntity[]> {
    const cluster = await make.cluster(db.dataSource);
    const node = await make.node(db.dataSource, { project: cluster.project, clusterId: cluster.id });
    const action = await make.action(db.dataSource, { action: 'NODE_CREATE', target: node.id, clusterId: cluster.id });
    const list = Array.from({ length: n }, (_, i) =>
      i % 2
        ? events.phase(action, nodeObject(node), 'end', `e${i}`)
        : events.status(action, clusterObject(cluster), 'ACTIVE', `e${i}`),
    );
    await repo.insert(list);
    return list;
  }

  it('publishes each event once, with its type as the routing key, and marks it published', async () => {
    const written = await someEvents(4);
    const p = publisher(amqpBus());
    while (await p.drainOnce());
    const got = await received(4);
    expect(got.map((g) => g.body.message_id).sort()).toEqual(written.map((e) => e.id).sort());
    expect(new Set(got.map((g) => g.key))).toEqual(new Set(['node.create.end', 'cluster.create.active']));
    for (const g of got) expect(g.body.event_type).toBe(g.key);
    const node = got.find((g) => g.key === 'node.create.end')!.body;
    expect(node).toMatchObject({
      version: '1.0',
      publisher_id: 'grove-engine:test-host',
      priority: 'INFO',
      payload: { version: '1.0', node: { id: written[1].oid }, action: { action: 'NODE_CREATE' } },
    });
    expect(await unpublished()).toBe(0);
  });

  it('never publishes an event twice when two engines drain at once', async () => {
    const written = await someEvents(1200);
    const [a, b] = [publisher(amqpBus()), publisher(amqpBus())];
    const drain = async (p: NotificationPublisher) => {
      let batches = 0;
      while (await p.drainOnce()) batches++;
      return batches;
    };
    await Promise.all([drain(a), drain(b), drain(a), drain(b)]);
    expect(await unpublished()).toBe(0);
    const got = await received(1200);
    const ids = got.map((g) => g.body.message_id);
    expect(ids).toHaveLength(1200);
    expect(new Set(ids)).toEqual(new Set(written.map((e) => e.id)));
  });

  it('keeps the events when the broker cannot take them, for a later round or another engine', async () => {
    const written = await someEvents(3);
    const away = publisher(amqpBus('amqp://guest:guest@127.0.0.1:1'));
    await expect(away.drainOnce()).rejects.toThrow(/not reachable/);
    expect(await unpublished()).toBe(3);
    const p = publisher(amqpBus());
    while (await p.drainOnce());
    expect((await received(3)).map((g) => g.body.message_id).sort()).toEqual(written.map((e) => e.id).sort());
  });

  it('publishes a moment after events are written, without being asked', async () => {
    const p = publisher(amqpBus(), { NOTIFICATION_INTERVAL_MS: '60000' });
    p.start();
    try {
      await new Promise((r) => setTimeout(r, 200)); // its first round is over
      const written = await someEvents(2);
      const got = await received(2);
      expect(got.map((g) => g.body.message_id).sort()).toEqual(written.map((e) => e.id).sort());
    } finally {
      await p.stop();
    }
  });

  it('only marks events published with the in-process bus, or when notifications are off', async () => {
    await someEvents(3);
    await publisher(new InProcessBackend()).drainOnce();
    expect(await unpublished()).toBe(0);
    await someEvents(2);
    await publisher(amqpBus(), { NOTIFICATIONS_ENABLED: 'false' }).drainOnce();
    expect(await unpublished()).toBe(0);
    expect(await received(0)).toEqual([]);
  });

  it('has the events of a process that cannot publish written as published, at no cost', async () => {
    const own = new EventRepository(db.dataSource);
    const p = new NotificationPublisher(
      { config: config({ NOTIFICATION_INTERVAL_MS: '60000' }), engineId: 'e', host: 'h' },
      log,
      new InProcessBackend(),
      db.dataSource,
      own,
    );
    p.start();
    try {
      await new Promise((r) => setTimeout(r, 100)); // its first round is over; the next is a minute away
      const cluster = await make.cluster(db.dataSource);
      const action = await make.action(db.dataSource, { target: cluster.id });
      await own.insert([events.phase(action, clusterObject(cluster), 'start', 'x')]);
      expect(await unpublished()).toBe(0);
    } finally {
      await p.stop();
    }
  });
});
