import amqplib from 'amqplib';
import { InternalError, ResourceNotFound, ServiceUnavailable } from '@grove/core';
import {
  deleteTestQueues,
  dropBrokerConnections,
  TEST_AMQP_URL,
  TEST_QUEUE_EXPIRES_MS,
  testQueuePrefix,
} from '@grove/testing';
import type { BusHandlers, QueueMessage } from '../bus-backend';
import { AmqpBackend } from './amqp-backend';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not after ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** A promise the test resolves when it wants a handler to finish. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

type Seen = { pattern: string; data: { n?: number } };

/**
 * A server's record of what it handled, and hooks deciding how long each handler takes: `hold`
 * for work messages, `holdCall` for `slow` calls (which otherwise sleep their `ms`).
 */
function recorder(o: { hold?: (s: Seen) => Promise<void>; holdCall?: () => Promise<void> } = {}) {
  const work: Seen[] = [];
  const broadcasts: Seen[] = [];
  const rpcs: Seen[] = [];
  let active = 0;
  let maxActive = 0;
  const handlers: BusHandlers = {
    async event(pattern, data) {
      const s = { pattern, data: data as Seen['data'] };
      if (pattern === 'action.cancel') return void broadcasts.push(s);
      work.push(s);
      active++;
      maxActive = Math.max(maxActive, active);
      try {
        await o.hold?.(s);
      } finally {
        active--;
      }
    },
    async rpc(pattern, data) {
      const d = data as { n?: number; ms?: number };
      rpcs.push({ pattern, data: d });
      if (pattern === 'slow') await (o.holdCall ? o.holdCall() : sleep(d.ms ?? 0));
      if (pattern === 'missing') throw new ResourceNotFound('node', 'n-1');
      if (pattern === 'bug') throw new Error('a secret stack trace');
      return { echo: d };
    },
  };
  return {
    handlers,
    work,
    broadcasts,
    rpcs,
    get maxActive() {
      return maxActive;
    },
  };
}

/**
 * AmqpBackend on the real broker. Each test has a prefix of its own under this file's, so its
 * queues and its connections (named `<prefix>/<who>`) are only its own.
 */
describe('AmqpBackend', () => {
  jest.setTimeout(20_000);
  const filePrefix = testQueuePrefix('amqp');
  const prefixes: string[] = [];
  let open: AmqpBackend[] = [];
  /** What each backend reported through onEvent, e.g. 'disconnect'. */
  const events = new Map<AmqpBackend, string[]>();

  function scope() {
    const prefix = `${filePrefix}.${prefixes.length + 1}`;
    prefixes.push(prefix);
    const bus = (who: string) => {
      const seen: string[] = [];
      const b = new AmqpBackend({
        url: TEST_AMQP_URL,
        prefix,
        queueExpiresMs: TEST_QUEUE_EXPIRES_MS,
        connectionName: `${prefix}/${who}`,
        onEvent: (event, detail) => seen.push(detail ? `${event}: ${detail}` : event),
      });
      events.set(b, seen);
      open.push(b);
      return b;
    };
    const serve = async (who: string, rec: ReturnType<typeof recorder>, workConcurrency = 4) => {
      const b = bus(who);
      await b.serve('engine', rec.handlers, { workConcurrency, rpcConcurrency: 8 });
      return b;
    };
    /** Closes the broker's side of the connections of `who` (all of this test's when omitted). */
    const drop = (who?: string) => dropBrokerConnections(`${prefix}/${who ?? ''}`);
    return { prefix, bus, serve, drop };
  }

  afterEach(async () => {
    await Promise.all(open.map((b) => b.close()));
    open = [];
    events.clear();
  });

  afterAll(async () => {
    for (const p of prefixes) await deleteTestQueues(p, { queues: named, exchanges: named });
  });

  /** Named queues and exchanges the tests used, removed at the end. */
  const named: string[] = [];
  const queueName = (t: { prefix: string }, label: string) => {
    const name = `${t.prefix}.${label}`;
    named.push(name);
    return name;
  };

  /** A raw amqplib connection, for what a foreign publisher or consumer would do. */
  async function foreign<T>(fn: (ch: amqplib.Channel) => Promise<T>): Promise<T> {
    const conn = await amqplib.connect(TEST_AMQP_URL);
    conn.on('error', () => undefined);
    try {
      const ch = await conn.createConfirmChannel();
      ch.on('error', () => undefined); // a passive check of a missing queue closes the channel
      const out = await fn(ch);
      await ch.waitForConfirms().catch(() => undefined); // closing at once would lose what was sent
      return out;
    } finally {
      await conn.close();
    }
  }

  /** Messages waiting in a queue (null when it does not exist), asked on a connection of its own. */
  const depth = (name: string) => foreign((ch) => ch.checkQueue(name).then((q) => q.messageCount)).catch(() => null);

  describe('named queues', () => {
    it('delivers JSON messages with their message id to a consumer, and acknowledges each once handled', async () => {
      const t = scope();
      const bus = t.bus('a');
      const q = queueName(t, 'q');
      await bus.declareQueue(q);
      await bus.declareQueue(q); // declaring again is fine
      const seen: QueueMessage[] = [];
      const stuck = gate();
      await bus.consumeQueue(q, async (m) => {
        seen.push(m);
        await stuck.wait;
      });
      await bus.sendToQueue(q, { n: 1 }, { messageId: 'm-1' });
      await bus.sendToQueue(q, { n: 2 });
      await until('the first arrived', () => seen.length === 1);
      await sleep(100);
      // prefetch 1: the second waits until the first is handled, and nothing is acknowledged yet.
      expect(seen).toEqual([{ data: { n: 1 }, messageId: 'm-1', redelivered: false }]);
      stuck.open();
      await until('the second arrived', () => seen.length === 2);
      expect(seen[1]).toEqual({ data: { n: 2 }, messageId: undefined, redelivered: false });
      await until('both acknowledged', async () => (await depth(q)) === 0);
    });

    it('shares a queue between consumers in two processes, each message once', async () => {
      const t = scope();
      const [a, b, client] = [t.bus('a'), t.bus('b'), t.bus('client')];
      const q = queueName(t, 'shared');
      await client.declareQueue(q);
      const got: { who: string; n: number }[] = [];
      for (const [who, bus] of [
        ['a', a],
        ['b', b],
      ] as const) {
        await bus.consumeQueue(
          q,
          async (m) => {
            got.push({ who, n: (m.data as { n: number }).n });
            await sleep(20);
          },
          { prefetch: 2 },
        );
      }
      await Promise.all(Array.from({ length: 20 }, (_, n) => client.sendToQueue(q, { n })));
      await until('all handled', () => got.length === 20);
      await sleep(100);
      expect(got.map((g) => g.n).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, n) => n));
      expect(new Set(got.map((g) => g.who))).toEqual(new Set(['a', 'b']));
    });

    it('drops a message whose handler fails, and one that is not JSON, without blocking the queue', async () => {
      const t = scope();
      const bus = t.bus('a');
      const q = queueName(t, 'poison');
      await bus.declareQueue(q);
      const handled: unknown[] = [];
      await bus.consumeQueue(q, async (m) => {
        handled.push(m.data);
        if ((m.data as { bad?: boolean }).bad) throw new Error('cannot take this one');
      });
      await bus.sendToQueue(q, { bad: true });
      await foreign(async (ch) => void ch.sendToQueue(q, Buffer.from('not json {')));
      await bus.sendToQueue(q, { n: 2 });
      await until('the good one handled', () => handled.length === 2);
      expect(handled).toEqual([{ bad: true }, { n: 2 }]);
      await until('queue empty', async () => (await depth(q)) === 0);
      expect(events.get(bus)!.some((e) => /handler of queue .* failed: cannot take this one/.test(e))).toBe(true);
      expect(events.get(bus)!.some((e) => /not JSON/.test(e))).toBe(true);
    });

    it('stops delivering once cancelled; what arrives later stays in the queue', async () => {
      const t = scope();
      const bus = t.bus('a');
      const q = queueName(t, 'cancel');
      await bus.declareQueue(q);
      const seen: unknown[] = [];
      const cancel = await bus.consumeQueue(q, async (m) => void seen.push(m.data));
      await bus.sendToQueue(q, { n: 1 });
      await until('first seen', () => seen.length === 1);
      await cancel();
      await cancel(); // twice is fine
      await bus.sendToQueue(q, { n: 2 });
      await until('kept', async () => (await depth(q)) === 1);
      expect(seen).toEqual([{ n: 1 }]);
    });

    it('refuses to consume a queue that does not exist, and the connection keeps working', async () => {
      const t = scope();
      await t.serve('server', recorder());
      const bus = t.bus('a');
      const q = queueName(t, 'missing');
      await expect(bus.consumeQueue(q, async () => undefined)).rejects.toBeInstanceOf(ResourceNotFound);
      await bus.sendToQueue(q, { n: 1 }); // dropped: nobody declared it
      expect(await depth(q)).toBeNull();
      expect(await bus.call('engine', 'echo', { n: 1 }, 5_000)).toEqual({ echo: { n: 1 } });
      expect(events.get(bus)!.filter((e) => e.startsWith('disconnect'))).toEqual([]);
    });

    it('refuses to declare a queue that exists with other arguments, without losing the connection', async () => {
      const t = scope();
      await t.serve('server', recorder());
      const bus = t.bus('a');
      const q = queueName(t, 'other-args');
      await foreign((ch) => ch.assertQueue(q, { durable: false }));
      await expect(bus.declareQueue(q)).rejects.toBeInstanceOf(ServiceUnavailable);
      expect(await bus.call('engine', 'echo', { n: 1 }, 5_000)).toEqual({ echo: { n: 1 } });
    });

    it('tells the consumers of a deleted queue, here and in another process; other consumers carry on', async () => {
      const t = scope();
      const [a, b] = [t.bus('a'), t.bus('b')];
      const [doomed, kept] = [queueName(t, 'doomed'), queueName(t, 'kept')];
      await a.declareQueue(doomed);
      await a.declareQueue(kept);
      const gone: string[] = [];
      const seen: unknown[] = [];
      await a.consumeQueue(doomed, async () => undefined, { onGone: () => gone.push('a') });
      await b.consumeQueue(doomed, async () => undefined, { onGone: () => gone.push('b') });
      await b.consumeQueue(kept, async (m) => void seen.push(m.data));
      await a.deleteQueue(doomed);
      await a.deleteQueue(doomed); // a missing queue counts as deleted
      await until('both told', () => gone.length === 2);
      expect(await depth(doomed)).toBeNull();
      await a.sendToQueue(kept, { n: 1 });
      await until('the other consumer carries on', () => seen.length === 1);
    });

    it('consumes again after the broker dropped the connection', async () => {
      const t = scope();
      const bus = t.bus('a');
      const q = queueName(t, 'reconnect');
      await bus.declareQueue(q);
      const seen: unknown[] = [];
      await bus.consumeQueue(q, async (m) => void seen.push(m.data));
      expect(await t.drop('a')).toBe(1);
      await until('noticed', () => !bus.isConnected(), 2_000);
      await foreign(async (ch) => void ch.sendToQueue(q, Buffer.from(JSON.stringify({ n: 1 }))));
      await until('delivered on the new connection', () => seen.length === 1, 10_000);
    });

    it('gives a message whose consumer died mid-handler to another consumer', async () => {
      const t = scope();
      const [a, b] = [t.bus('a'), t.bus('b')];
      const q = queueName(t, 'redeliver');
      await a.declareQueue(q);
      const stuck = gate();
      const seenA: QueueMessage[] = [];
      const seenB: QueueMessage[] = [];
      await a.consumeQueue(q, async (m) => {
        seenA.push(m);
        await stuck.wait;
      });
      await a.sendToQueue(q, { n: 1 });
      await until('a has it', () => seenA.length === 1);
      await b.consumeQueue(q, async (m) => void seenB.push(m));
      await sleep(100);
      expect(seenB).toEqual([]);
      expect(await t.drop('a')).toBe(1);
      await until('b has it', () => seenB.length === 1, 5_000);
      expect(seenB[0]).toMatchObject({ data: { n: 1 }, redelivered: true });
      stuck.open();
    });
  });

  describe('topics', () => {
    it('routes each message to the queues bound to its routing key', async () => {
      const t = scope();
      const bus = t.bus('a');
      const exchange = queueName(t, 'topic');
      const [clusters, everything] = [queueName(t, 'clusters'), queueName(t, 'everything')];
      // The exchange is declared on first publish; what went before reached nobody.
      await bus.publishTopic(exchange, 'cluster.create.start', { n: 0 });
      await foreign(async (ch) => {
        await ch.assertExchange(exchange, 'topic', { durable: true });
        for (const [queue, key] of [
          [clusters, 'cluster.#'],
          [everything, '#'],
        ]) {
          await ch.assertQueue(queue, { durable: false });
          await ch.bindQueue(queue, exchange, key);
        }
      });
      await bus.publishTopic(exchange, 'cluster.create.end', { n: 1 });
      await bus.publishTopic(exchange, 'node.create.end', { n: 2 });
      const take = (queue: string) =>
        foreign(async (ch) => {
          const out: { key: string; body: unknown; persistent: boolean }[] = [];
          for (let m = await ch.get(queue, { noAck: true }); m; m = await ch.get(queue, { noAck: true })) {
            out.push({
              key: m.fields.routingKey,
              body: JSON.parse(m.content.toString()),
              persistent: m.properties.deliveryMode === 2,
            });
          }
          return out;
        });
      expect(await take(clusters)).toEqual([{ key: 'cluster.create.end', body: { n: 1 }, persistent: true }]);
      expect((await take(everything)).map((m) => m.key)).toEqual(['cluster.create.end', 'node.create.end']);
    });

    it('refuses to publish while the broker is away, without queueing the message', async () => {
      const t = scope();
      const bus = new AmqpBackend({ url: 'amqp://guest:guest@127.0.0.1:1', prefix: t.prefix });
      open.push(bus);
      await expect(bus.publishTopic(queueName(t, 'away'), 'k', {})).rejects.toBeInstanceOf(ServiceUnavailable);
      await expect(bus.declareQueue(queueName(t, 'away-q'))).rejects.toBeInstanceOf(ServiceUnavailable);
    });
  });

  describe('work queue', () => {
    it('splits messages between competing servers, none twice, at most workConcurrency at once each', async () => {
      const t = scope();
      const hold = () => sleep(30);
      const [a, b] = [recorder({ hold }), recorder({ hold })];
      await t.serve('a', a, 2);
      await t.serve('b', b, 2);
      const client = t.bus('client');
      await Promise.all(Array.from({ length: 24 }, (_, n) => client.emit('engine', 'work', 'action.start', { n })));

      await until('all handled', () => a.work.length + b.work.length >= 24);
      await sleep(100); // a duplicate would show up now
      const ns = [...a.work, ...b.work].map((s) => s.data.n).sort((x, y) => x! - y!);
      expect(ns).toEqual(Array.from({ length: 24 }, (_, n) => n));
      expect(a.work.length).toBeGreaterThan(0);
      expect(b.work.length).toBeGreaterThan(0);
      expect(a.maxActive).toBe(2);
      expect(b.maxActive).toBe(2);
    });

    it('acknowledges a message only after its handler finished: a server that dies mid-handler loses it to another', async () => {
      const t = scope();
      const stuck = gate();
      const a = recorder({ hold: () => stuck.wait });
      const b = recorder();
      await t.serve('a', a, 1);
      const client = t.bus('client');
      await client.emit('engine', 'work', 'action.start', { n: 1 });
      await until('a has it', () => a.work.length === 1);

      await t.serve('b', b);
      await sleep(200);
      expect(b.work).toEqual([]); // still a's: not acknowledged, not given to anyone else

      expect(await t.drop('a')).toBe(1);
      await until('b has it', () => b.work.length === 1, 5_000);
      expect(b.work[0].data).toEqual({ n: 1 });
      stuck.open(); // a's handler ends; its acknowledgement goes nowhere and breaks nothing
    });

    it('counts the messages waiting in the queue; a queue nobody declared counts as unknown', async () => {
      const t = scope();
      const stuck = gate();
      const a = recorder({ hold: () => stuck.wait });
      const server = await t.serve('a', a, 1);
      const client = t.bus('client');
      for (let n = 0; n < 5; n++) await client.emit('engine', 'work', 'action.start', { n });
      await until('depth 4', async () => (await client.workQueueDepth('engine')) === 4);
      expect(await server.workQueueDepth('engine')).toBe(4);
      expect(await client.workQueueDepth('health')).toBeNull();

      // Asking about a queue that does not exist costs neither the connection nor the channels.
      expect(await client.call('engine', 'echo', { n: 7 }, 5_000)).toEqual({ echo: { n: 7 } });
      expect(events.get(client)!.filter((e) => e.startsWith('disconnect'))).toEqual([]);
      stuck.open();
      await until('queue drained', async () => (await client.workQueueDepth('engine')) === 0);
    });

    it('keeps work published before any server started, for the first server', async () => {
      const t = scope();
      const client = t.bus('client');
      await client.emit('engine', 'work', 'action.start', { n: 1 });
      const a = recorder();
      await t.serve('a', a);
      await until('a has it', () => a.work.length === 1, 5_000);
    });
  });

  describe('rpc', () => {
    it('answers a call with the reply of one server', async () => {
      const t = scope();
      const [a, b] = [recorder(), recorder()];
      await t.serve('a', a);
      await t.serve('b', b);
      const client = t.bus('client');
      const replies = await Promise.all([1, 2, 3, 4].map((n) => client.call('engine', 'echo', { n }, 5_000)));
      expect(replies).toEqual([1, 2, 3, 4].map((n) => ({ echo: { n } })));
      expect(a.rpcs.length + b.rpcs.length).toBe(4);
    });

    it("rebuilds a GroveError thrown by the server into its own class on the caller's side", async () => {
      const t = scope();
      await t.serve('a', recorder());
      const client = t.bus('client');
      const e: unknown = await client.call('engine', 'missing', {}, 5_000).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ResourceNotFound);
      expect(e).toMatchObject({ status: 404, type: 'ResourceNotFound', message: "The node 'n-1' could not be found." });
    });

    it('turns any other error of the server into an InternalError that does not leak its message', async () => {
      const t = scope();
      await t.serve('a', recorder());
      const client = t.bus('client');
      const e: unknown = await client.call('engine', 'bug', {}, 5_000).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(InternalError);
      expect((e as Error).message).not.toContain('secret');
    });

    it('answers ServiceUnavailable after its timeout when no server runs', async () => {
      const t = scope();
      const client = t.bus('client');
      const t0 = Date.now();
      const e: unknown = await client.call('engine', 'echo', {}, 300).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ServiceUnavailable);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
      expect(Date.now() - t0).toBeLessThan(1_000);
    });

    it('answers ServiceUnavailable at its timeout when the server is too slow, and ignores the late reply', async () => {
      const t = scope();
      const a = recorder();
      await t.serve('a', a);
      const client = t.bus('client');
      const e: unknown = await client.call('engine', 'slow', { ms: 500 }, 200).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ServiceUnavailable);
      await sleep(500);
      expect(await client.call('engine', 'echo', { n: 2 }, 5_000)).toEqual({ echo: { n: 2 } });
    });
  });

  describe('broadcast', () => {
    it('reaches every server', async () => {
      const t = scope();
      const [a, b] = [recorder(), recorder()];
      await t.serve('a', a);
      await t.serve('b', b);
      const client = t.bus('client');
      await client.emit('engine', 'broadcast', 'action.cancel', { n: 1 });
      await until('both have it', () => a.broadcasts.length === 1 && b.broadcasts.length === 1);
    });

    it('goes nowhere when no server ever ran, and the client keeps working', async () => {
      const t = scope();
      const client = t.bus('client');
      await client.emit('engine', 'broadcast', 'action.cancel', { n: 1 });
      const a = recorder();
      await t.serve('a', a);
      await client.emit('engine', 'work', 'action.start', { n: 2 });
      expect(await client.call('engine', 'echo', { n: 3 }, 5_000)).toEqual({ echo: { n: 3 } });
      await until('a has the work', () => a.work.length === 1, 5_000);
      expect(a.broadcasts).toEqual([]);
      expect(events.get(client)!.filter((e) => e.startsWith('disconnect'))).toEqual([]);
    });
  });

  describe('readiness', () => {
    it('is not ready, and says why, while the broker refuses to set up its queues', async () => {
      const t = scope();
      // Another process declared the work queue with other arguments: the broker refuses ours.
      const other = await amqplib.connect(TEST_AMQP_URL);
      try {
        const ch = await other.createChannel();
        await ch.assertQueue(`${t.prefix}.engine.work`, { durable: true, arguments: { 'x-expires': 60_000 } });
      } finally {
        await other.close();
      }
      const server = t.bus('a');
      void server.serve('engine', recorder().handlers, { workConcurrency: 1, rpcConcurrency: 1 });
      await until('reported', () => events.get(server)!.some((e) => /failed to set up.*PRECONDITION/.test(e)));
      expect(server.isConnected()).toBe(false);
    });
  });

  describe('stopServing', () => {
    it('stops taking work and calls; what it had not finished goes to another server', async () => {
      const t = scope();
      const stuck = gate();
      const a = recorder({ hold: () => stuck.wait });
      const b = recorder();
      const server = await t.serve('a', a, 1);
      const client = t.bus('client');
      await client.emit('engine', 'work', 'action.start', { n: 1 });
      await until('a has it', () => a.work.length === 1);
      await t.serve('b', b);

      await server.stopServing();
      await until('b has it', () => b.work.length === 1, 5_000);
      await client.emit('engine', 'work', 'action.start', { n: 2 });
      await Promise.all([1, 2, 3].map((n) => client.call('engine', 'echo', { n }, 5_000)));
      // The stopped server is still a client of the others.
      expect(await server.call('engine', 'echo', { n: 4 }, 5_000)).toEqual({ echo: { n: 4 } });
      await until('b has the new work', () => b.work.length === 2);
      expect(a.work).toHaveLength(1);
      expect(a.rpcs).toEqual([]);
      stuck.open();
    });
  });

  describe('when the broker drops the connections', () => {
    it('reconnects by itself: work, calls and broadcasts flow again', async () => {
      const t = scope();
      const [a, b] = [recorder(), recorder()];
      const servers = [await t.serve('a', a), await t.serve('b', b)];
      const client = t.bus('client');
      expect(await client.call('engine', 'echo', { n: 0 }, 5_000)).toEqual({ echo: { n: 0 } });

      const t0 = Date.now();
      expect(await t.drop()).toBe(3);
      await until('the client noticed', () => !client.isConnected(), 10_000);

      // Nothing below asks the backend to reconnect: amqp-connection-manager does it by itself.
      await Promise.all(Array.from({ length: 10 }, (_, n) => client.emit('engine', 'work', 'action.start', { n })));
      expect(await client.call('engine', 'echo', { n: 1 }, 10_000)).toEqual({ echo: { n: 1 } });
      await until('work handled', () => a.work.length + b.work.length === 10);
      const recoveredMs = Date.now() - t0;
      await until('connected', () => [client, ...servers].every((x) => x.isConnected()));

      // Broadcast queues are the servers' own and come back with their channels.
      await client.emit('engine', 'broadcast', 'action.cancel', { n: 1 });
      await until('both have the broadcast', () => a.broadcasts.length === 1 && b.broadcasts.length === 1);
      // A second between attempts, not a long backoff; the bound is loose because `rabbitmqctl`
      // itself can take seconds on a busy machine.
      expect(recoveredMs).toBeLessThan(15_000);
    });

    it('reports itself connected again only once its consumers are back', async () => {
      const t = scope();
      const a = recorder();
      const server = await t.serve('a', a);
      const client = t.bus('client');
      expect(server.isConnected()).toBe(true);
      expect(await t.drop('a')).toBe(1);
      await until('the server noticed', () => !server.isConnected(), 2_000);
      await until('the server is back', () => server.isConnected(), 5_000);
      // A broadcast is delivered only to queues bound at the time: this one must find the server's.
      await client.emit('engine', 'broadcast', 'action.cancel', { n: 1 });
      await until('the server has it', () => a.broadcasts.length === 1, 2_000);
    });

    it('delivers what was published while disconnected once the connection is back', async () => {
      const t = scope();
      const a = recorder();
      await t.serve('a', a);
      const client = t.bus('client');
      await client.emit('engine', 'work', 'action.start', { n: -1 });
      await until('a is serving', () => a.work.length === 1);

      expect(await t.drop('client')).toBe(1);
      await until('the client noticed', () => !client.isConnected(), 10_000);
      const published = Array.from({ length: 20 }, (_, n) => client.emit('engine', 'work', 'action.start', { n }));
      expect(client.isConnected()).toBe(false);
      await Promise.all(published);
      await until('all delivered', () => a.work.length === 21, 5_000);
      expect(a.work.slice(1).map((s) => s.data.n)).toEqual(Array.from({ length: 20 }, (_, n) => n));
    });

    it('resolves every publish that was in flight when the connection died, and delivers each at least once', async () => {
      const t = scope();
      const a = recorder();
      await t.serve('a', a, 50);
      const client = t.bus('client');
      const published: Promise<void>[] = [];
      let n = 0;
      const dropped = sleep(100).then(() => t.drop('client'));
      // Bursts of publishes around the moment of the drop, so some are unconfirmed when it lands.
      const deadline = Date.now() + 1_500;
      while (Date.now() < deadline) {
        for (let i = 0; i < 50; i++) published.push(client.emit('engine', 'work', 'action.start', { n: n++ }));
        await sleep(2);
      }
      expect(await dropped).toBe(1);
      const results = await Promise.allSettled(published);
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      await until('all delivered', () => new Set(a.work.map((s) => s.data.n)).size === n, 10_000);
    });

    it('answers a call made while the caller is disconnected once it is back', async () => {
      const t = scope();
      await t.serve('a', recorder());
      const client = t.bus('client');
      expect(await t.drop('client')).toBe(1);
      await until('the client noticed', () => !client.isConnected(), 10_000);
      expect(await client.call('engine', 'echo', { n: 1 }, 5_000)).toEqual({ echo: { n: 1 } });
    });

    it('does not send after the reconnect a call whose caller gave up while disconnected', async () => {
      const t = scope();
      const a = recorder();
      await t.serve('a', a);
      const client = t.bus('client');
      expect(await t.drop('client')).toBe(1);
      await until('the client noticed', () => !client.isConnected(), 10_000);
      const t0 = Date.now();
      await expect(client.call('engine', 'echo', { n: 1 }, 200)).rejects.toBeInstanceOf(ServiceUnavailable);
      expect(Date.now() - t0).toBeLessThan(1_000);
      expect(await client.call('engine', 'echo', { n: 2 }, 5_000)).toEqual({ echo: { n: 2 } });
      expect(a.rpcs.map((r) => r.data.n)).toEqual([2]);
    });

    // rabbitmqctl takes a second or more to close a connection, so the handlers below are held
    // until the drop is done rather than given a sleep the drop might outlast.
    it('fails a call at once with ServiceUnavailable when its reply can no longer arrive', async () => {
      const t = scope();
      const stuck = gate();
      const a = recorder({ holdCall: () => stuck.wait });
      await t.serve('a', a);
      const client = t.bus('client');
      const call = client.call('engine', 'slow', {}, 8_000).catch((x: unknown) => x);
      await until('a works on it', () => a.rpcs.length === 1);
      expect(await t.drop('client')).toBe(1);
      const t0 = Date.now();
      const e = await call;
      stuck.open(); // a answers now, to a reply queue that is gone
      expect(e).toBeInstanceOf(ServiceUnavailable);
      expect(Date.now() - t0).toBeLessThan(1_000);
    });

    it("answers a call whose server's connection died mid-request, from another server", async () => {
      const t = scope();
      const stuck = gate();
      const a = recorder({ holdCall: () => stuck.wait });
      const b = recorder();
      await t.serve('a', a);
      const client = t.bus('client');
      const call = client.call('engine', 'slow', { ms: 10 }, 8_000);
      await until('a works on it', () => a.rpcs.length === 1);
      await t.serve('b', b);
      expect(await t.drop('a')).toBe(1);
      expect(await call).toEqual({ echo: { ms: 10 } });
      expect(b.rpcs).toHaveLength(1);
      stuck.open();
    });
  });
});
