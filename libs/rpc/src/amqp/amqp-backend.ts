import { randomUUID } from 'node:crypto';
import amqp, { type AmqpConnectionManager, type ChannelWrapper } from 'amqp-connection-manager';
import type { Channel, ConsumeMessage } from 'amqplib';
import { GroveError, ResourceNotFound, ServiceUnavailable } from '@grove/core';
import type { BusBackend, BusHandlers, BusPacket, QueueMessage, RpcReply, ServeOptions } from '../bus-backend';
import type { BusRole, Delivery } from '../contracts/routes';
import { RPC_VERSION } from '../contracts/engine.contract';
import { fromReply, toReplyError } from '../rpc-error';

const DIRECT_REPLY = 'amq.rabbitmq.reply-to';
/** How long a named-queue or topic operation waits for a connection (at start, or while reconnecting). */
const BROKER_WAIT_MS = 5_000;

export interface AmqpBackendOptions {
  url: string;
  /** Prefix of every queue and exchange (AMQP_PREFIX). */
  prefix: string;
  /** Where connection trouble is reported; the manager reconnects by itself. */
  onEvent?: (event: 'connect' | 'disconnect' | 'error', detail?: string) => void;
  /** An RPC handler threw something that is not a GroveError (a bug): for the serving process's log. */
  onHandlerError?: (e: unknown, pattern: string) => void;
  /** Test runs ask their queues to vanish when idle, so nothing is left on a shared broker. */
  queueExpiresMs?: number;
  /**
   * How the broker lists this process's connection (`connection_name`), so an operator (or a test
   * that closes connections with `rabbitmqctl`) can tell which Grove process it belongs to.
   */
  connectionName?: string;
}

/**
 * RabbitMQ as Grove's bus. Per role R and prefix P:
 * - `P.R.work`: a durable queue of persistent messages; each server takes `workConcurrency` at a
 *   time and acknowledges a message once handled, so a dead server's messages go to the others.
 * - `P.R.rpc`: requests answered through direct reply-to; a request expires when its caller gives up.
 * - `P.R.broadcast`: a fanout exchange; every server binds its own exclusive queue.
 * - named queues and topic exchanges (message receivers, notifications): names as given, consumed
 *   on a channel of their own that this class reopens itself, so a queue deleted under its consumer
 *   costs nothing but that consumer.
 * amqp-connection-manager reconnects after a broker restart and re-runs each channel's setup;
 * publishes made meanwhile wait in memory and go out on the new connection.
 *
 * Nothing here may make the broker close a channel (publishing to a missing exchange, checking a
 * missing queue, declaring a queue with other arguments): amqplib turns such an error into the
 * loss of the whole connection. Whatever can fail that way runs on a short-lived side channel.
 */
export class AmqpBackend implements BusBackend {
  readonly kind = 'amqp' as const;
  private readonly conn: AmqpConnectionManager;
  private readonly publisher: ChannelWrapper;
  private readonly servers: ChannelWrapper[] = [];
  private readonly pending = new Map<string, PendingCall>();
  /** Queues and exchanges this process publishes to, declared on every (re)connect before publishing. */
  private readonly declared = new Map<string, Promise<void>>();
  private connected = false;
  /** Channels whose setup (declarations, consumers) has not finished on the current connection. */
  private readonly settingUp = new Set<ChannelWrapper>();
  /** Exchanges whose last declaration succeeded; publishing to a missing one would close the publisher. */
  private readonly exchangesReady = new Set<string>();
  /** Consumers of named queues, kept across reconnects. */
  private readonly consumers = new Set<QueueConsumer>();
  /** The channel named-queue consumers share on the current connection (opened on demand). */
  private consumerChannel: Promise<Channel> | null = null;
  /** Consumer set-ups run one at a time: each sets the channel's prefetch for the consume after it. */
  private consumerSetup: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly o: AmqpBackendOptions) {
    this.conn = amqp.connect([o.url], {
      heartbeatIntervalInSeconds: 5,
      reconnectTimeInSeconds: 1,
      // TCP_NODELAY: an acknowledgement and the publish right after it are small writes, and Nagle's
      // algorithm held the second until the broker's delayed ACK (about 40 ms per action).
      connectionOptions: {
        noDelay: true,
        ...(o.connectionName ? { clientProperties: { connection_name: o.connectionName } } : {}),
      },
    });
    this.conn.on('connect', () => {
      this.connected = true;
      this.consumerChannel = null;
      if (this.consumers.size) void this.restartConsumers();
      o.onEvent?.('connect');
    });
    this.conn.on('disconnect', ({ err }) => {
      this.connected = false;
      this.consumerChannel = null;
      for (const c of this.consumers) c.tag = null;
      for (const ch of [this.publisher, ...this.servers]) this.settingUp.add(ch);
      // Replies come through the direct reply-to of the channel that sent the request, which is
      // gone: a call already sent can never be answered, so its caller hears it now, not at its timeout.
      for (const call of [...this.pending.values()]) {
        if (call.sent)
          call.fail(new ServiceUnavailable(`Lost RabbitMQ while waiting for an answer to '${call.pattern}'.`));
      }
      o.onEvent?.('disconnect', err?.message);
    });
    this.conn.on('connectFailed', ({ err }) => o.onEvent?.('error', err?.message));
    this.publisher = this.watch(
      this.conn.createChannel({
        name: 'publisher',
        confirm: true,
        json: false,
        setup: async (ch: Channel) => {
          // Replies to this process's calls arrive on the direct reply-to pseudo queue of this channel.
          await ch.consume(DIRECT_REPLY, (msg) => msg && this.onReply(msg), { noAck: true });
        },
      }),
    );
  }

  /**
   * Follows a channel's setup, which the manager re-runs after every reconnect, for isConnected. A
   * setup that fails (other than by the connection closing) is reported instead of crashing the process.
   */
  private watch(ch: ChannelWrapper): ChannelWrapper {
    this.settingUp.add(ch);
    ch.on('connect', () => this.settingUp.delete(ch));
    ch.on('error', (err: Error, info?: { name?: string }) => {
      this.o.onEvent?.('error', `channel ${info?.name ?? ch.name ?? ''} failed to set up: ${err.message}`);
    });
    return ch;
  }

  private name(role: BusRole, kind: 'work' | 'rpc' | 'broadcast'): string {
    return `${this.o.prefix}.${role}.${kind}`;
  }

  private queueArgs(): Record<string, unknown> | undefined {
    return this.o.queueExpiresMs ? { 'x-expires': this.o.queueExpiresMs } : undefined;
  }

  /**
   * Runs `fn` on a channel of its own on the current connection, so a broker error (404, 406)
   * closes only that channel. Resolves undefined when not connected or when the broker refused.
   */
  private async onSideChannel<T>(fn: (ch: Channel) => Promise<T>): Promise<T | undefined> {
    const connection = this.conn.connection;
    if (!connection) return undefined;
    let ch: Channel | undefined;
    try {
      ch = await connection.createChannel();
      ch.on('error', () => undefined); // the rejected operation below says what went wrong
      return await fn(ch);
    } catch {
      return undefined;
    } finally {
      await ch?.close().catch(() => undefined);
    }
  }

  /**
   * Makes sure what a publish goes to exists, on this connection and every later one: a work queue
   * then keeps messages sent before any server started, and a broadcast never hits a missing
   * exchange (which the broker answers by closing the channel).
   */
  private declare(key: string, fn: (ch: Channel) => Promise<unknown>): Promise<void> {
    let done = this.declared.get(key);
    if (!done) {
      done = this.publisher.addSetup(async () => {
        const ok = await this.onSideChannel(async (ch) => (await fn(ch), true));
        if (!ok && this.conn.isConnected()) this.o.onEvent?.('error', `could not declare ${key}`);
      });
      this.declared.set(key, done);
    }
    return done;
  }

  async serve(role: BusRole, handlers: BusHandlers, opts: ServeOptions): Promise<void> {
    const work = this.name(role, 'work');
    const rpc = this.name(role, 'rpc');
    const broadcast = this.name(role, 'broadcast');
    const args = this.queueArgs();
    // One channel per kind, so prefetch of the work queue never holds back RPC requests.
    const workChannel = this.conn.createChannel({
      name: `${role} work`,
      json: false,
      setup: async (ch: Channel) => {
        await ch.assertQueue(work, { durable: true, arguments: args });
        await ch.prefetch(opts.workConcurrency);
        await ch.consume(work, (msg) => msg && void this.onWork(ch, msg, handlers));
      },
    });
    const rpcChannel = this.conn.createChannel({
      name: `${role} rpc`,
      json: false,
      setup: async (ch: Channel) => {
        await ch.assertQueue(rpc, { durable: false, arguments: args });
        await ch.assertExchange(broadcast, 'fanout', { durable: true });
        const own = await ch.assertQueue('', { exclusive: true, autoDelete: true });
        await ch.bindQueue(own.queue, broadcast, '');
        await ch.prefetch(opts.rpcConcurrency);
        await ch.consume(rpc, (msg) => msg && void this.onRpc(ch, msg, handlers));
        await ch.consume(own.queue, (msg) => msg && void this.onBroadcast(msg, handlers), { noAck: true });
      },
    });
    this.servers.push(this.watch(workChannel), this.watch(rpcChannel));
    await Promise.all([workChannel.waitForConnect(), rpcChannel.waitForConnect()]);
  }

  private async onWork(ch: Channel, msg: ConsumeMessage, handlers: BusHandlers): Promise<void> {
    try {
      const p = parse(msg);
      if (p) await handlers.event(p.pattern, p.data);
    } catch (e) {
      this.o.onEvent?.('error', `work handler failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      // The channel that delivered the message may have died meanwhile (broker restart): its
      // delivery tags mean nothing on the new channel, and the broker has already requeued it.
      safely(() => ch.ack(msg));
    }
  }

  private async onRpc(ch: Channel, msg: ConsumeMessage, handlers: BusHandlers): Promise<void> {
    let reply: RpcReply;
    const p = parse(msg);
    try {
      reply = p ? { ok: await handlers.rpc(p.pattern, p.data) } : toReplyError(new Error('bad packet'));
    } catch (e) {
      reply = toReplyError(e, (bug) => this.o.onHandlerError?.(bug, p?.pattern ?? '?'));
    }
    const { replyTo, correlationId } = msg.properties;
    safely(() => {
      if (replyTo) ch.sendToQueue(replyTo, Buffer.from(JSON.stringify(reply)), { correlationId });
      ch.ack(msg);
    });
  }

  private async onBroadcast(msg: ConsumeMessage, handlers: BusHandlers): Promise<void> {
    const p = parse(msg);
    if (p) await handlers.event(p.pattern, p.data).catch(() => undefined);
  }

  private onReply(msg: ConsumeMessage): void {
    const id = msg.properties.correlationId as string | undefined;
    const call = id ? this.pending.get(id) : undefined;
    if (!call) return; // the caller already gave up
    let reply: RpcReply;
    try {
      reply = JSON.parse(msg.content.toString()) as RpcReply;
    } catch {
      reply = toReplyError(new Error('unreadable reply'));
    }
    call.settle(reply);
  }

  async call(role: BusRole, pattern: string, data: unknown, timeoutMs: number): Promise<unknown> {
    if (this.closed) throw new ServiceUnavailable(`The bus is closed; cannot ask a ${role} '${pattern}'.`);
    const correlationId = randomUUID();
    const body = Buffer.from(JSON.stringify({ v: RPC_VERSION, pattern, data } satisfies BusPacket));
    const queue = this.name(role, 'rpc');
    const deadline = Date.now() + timeoutMs;
    const reply = new Promise<RpcReply>((resolve, reject) => {
      const end = () => {
        clearTimeout(timer);
        this.pending.delete(correlationId);
      };
      const call: PendingCall = {
        pattern,
        sent: false,
        settle: (r) => (end(), resolve(r)),
        fail: (e) => (end(), reject(e)),
      };
      const timer = setTimeout(
        () => call.fail(new ServiceUnavailable(`No ${role} answered '${pattern}' within ${timeoutMs} ms.`)),
        timeoutMs,
      );
      this.pending.set(correlationId, call);
      // While the broker is away the request waits in memory, but never past the caller's patience:
      // `timeout` drops it unsent, and `expiration` drops it from the queue if no server takes it.
      const send = (): void => {
        const left = deadline - Date.now();
        if (left <= 0 || !this.pending.has(correlationId)) return;
        this.publisher
          .sendToQueue(queue, body, {
            correlationId,
            replyTo: DIRECT_REPLY,
            expiration: String(left),
            contentType: 'application/json',
            timeout: left,
          })
          .then(
            () => void (call.sent = true),
            // Unconfirmed when the channel closed: it may or may not have arrived, and if it did its
            // reply is lost with the channel. Requests are reads, so asking again is safe.
            (e: unknown) => isChannelLoss(e) && !this.closed && send(),
          );
      };
      send();
    });
    return fromReply(await reply);
  }

  async emit(role: BusRole, delivery: Exclude<Delivery, 'rpc'>, pattern: string, data: unknown): Promise<void> {
    const body = Buffer.from(JSON.stringify({ v: RPC_VERSION, pattern, data } satisfies BusPacket));
    const args = this.queueArgs();
    if (delivery === 'work') {
      const queue = this.name(role, 'work');
      await this.declare(queue, (ch) => ch.assertQueue(queue, { durable: true, arguments: args }));
      await this.publish(() =>
        this.publisher.sendToQueue(queue, body, { persistent: true, contentType: 'application/json' }),
      );
    } else {
      const exchange = this.name(role, 'broadcast');
      await this.declare(exchange, (ch) => ch.assertExchange(exchange, 'fanout', { durable: true }));
      await this.publish(() => this.publisher.publish(exchange, '', body, { contentType: 'application/json' }));
    }
  }

  /**
   * Publishes until the broker confirms. amqplib fails the publishes still unconfirmed when a
   * connection dies, though some of them reached the broker; sending those again makes delivery
   * at least once, which is what work and broadcast messages promise.
   */
  private async publish(send: () => Promise<unknown>): Promise<void> {
    for (;;) {
      try {
        await send();
        return;
      } catch (e) {
        if (this.closed || !isChannelLoss(e)) throw e;
      }
    }
  }

  /** Waits up to BROKER_WAIT_MS for a connection; false when there is none by then. */
  private async connection(): Promise<boolean> {
    if (this.conn.connection) return true;
    if (this.closed) return false;
    let onConnect!: () => void;
    const connected = new Promise<boolean>((resolve) => (onConnect = () => resolve(true)));
    this.conn.once('connect', onConnect);
    const timer = setTimeout(onConnect, BROKER_WAIT_MS);
    try {
      await connected;
    } finally {
      clearTimeout(timer);
      this.conn.removeListener('connect', onConnect);
    }
    return Boolean(this.conn.connection);
  }

  /** Runs `fn` on a side channel; rejects with ServiceUnavailable (saying `what`) when it could not. */
  private async mustOnSideChannel(what: string, fn: (ch: Channel) => Promise<unknown>): Promise<void> {
    if (this.closed) throw new ServiceUnavailable(`The bus is closed; cannot ${what}.`);
    await this.connection();
    const ok = await this.onSideChannel(async (ch) => (await fn(ch), true));
    if (!ok) {
      throw new ServiceUnavailable(
        this.conn.connection ? `RabbitMQ refused to ${what}.` : `RabbitMQ is not reachable; cannot ${what}.`,
      );
    }
  }

  async declareQueue(name: string): Promise<void> {
    await this.mustOnSideChannel(`declare queue '${name}'`, (ch) =>
      ch.assertQueue(name, { durable: true, arguments: this.queueArgs() }),
    );
  }

  async deleteQueue(name: string): Promise<void> {
    // The broker answers a deletion of a missing queue with success.
    await this.mustOnSideChannel(`delete queue '${name}'`, (ch) => ch.deleteQueue(name));
  }

  async sendToQueue(name: string, data: unknown, o: { messageId?: string } = {}): Promise<void> {
    const body = Buffer.from(JSON.stringify(data));
    // The default exchange never closes a channel: a message for a missing queue is simply dropped.
    await this.publish(() =>
      this.publisher.sendToQueue(name, body, {
        persistent: true,
        contentType: 'application/json',
        messageId: o.messageId,
      }),
    );
  }

  async publishTopic(exchange: string, routingKey: string, data: unknown): Promise<void> {
    const declareTopic = async (ch: Channel) => {
      this.exchangesReady.delete(exchange);
      await ch.assertExchange(exchange, 'topic', { durable: true });
      this.exchangesReady.add(exchange);
    };
    await this.declare(exchange, declareTopic);
    // Declared on a connection that has since gone, or never (the broker was away): once more now,
    // since publishing to an exchange that does not exist would cost the publisher its channel.
    if (!this.exchangesReady.has(exchange)) {
      await this.mustOnSideChannel(`declare exchange '${exchange}'`, declareTopic);
    }
    const body = Buffer.from(JSON.stringify(data));
    await this.publish(() =>
      this.publisher.publish(exchange, routingKey, body, { persistent: true, contentType: 'application/json' }),
    );
  }

  async consumeQueue(
    name: string,
    handler: (m: QueueMessage) => Promise<void>,
    o: { prefetch?: number; onGone?: () => void } = {},
  ): Promise<() => Promise<void>> {
    if (this.closed) throw new ServiceUnavailable(`The bus is closed; cannot consume '${name}'.`);
    const c: QueueConsumer = {
      queue: name,
      handler,
      prefetch: o.prefetch ?? 1,
      onGone: o.onGone,
      tag: null,
      starting: null,
    };
    this.consumers.add(c);
    try {
      await this.startConsumer(c);
    } catch (e) {
      this.consumers.delete(c);
      if (e instanceof GroveError) throw e;
      throw new ServiceUnavailable(`Could not consume queue '${name}': ${e instanceof Error ? e.message : String(e)}`);
    }
    return async () => {
      if (!this.consumers.delete(c)) return;
      const tag = c.tag;
      c.tag = null;
      const ch = await this.consumerChannel?.catch(() => undefined);
      if (ch && tag) await ch.cancel(tag).catch(() => undefined);
    };
  }

  /** The channel of named-queue consumers on the current connection, opened when first needed. */
  private channelForConsumers(): Promise<Channel> {
    if (this.consumerChannel) return this.consumerChannel;
    const connection = this.conn.connection;
    if (!connection) return Promise.reject(new ServiceUnavailable('RabbitMQ is not reachable right now.'));
    const opening: Promise<Channel> = connection.createChannel().then((ch) => {
      ch.on('error', () => undefined); // the close below says what matters
      ch.on('close', () => {
        if (this.consumerChannel !== opening) return;
        this.consumerChannel = null;
        for (const c of this.consumers) c.tag = null;
        // The broker closed it (say, a consume raced a queue's deletion) while the connection stays:
        // the other consumers come back on a new channel. After a lost connection, 'connect' does it.
        // A channel also closes just before its connection is lost; by the time this runs the
        // 'disconnect' has been seen.
        setTimeout(() => this.connected && !this.closed && void this.restartConsumers(), 200).unref();
      });
      return ch;
    });
    this.consumerChannel = opening;
    opening.catch(() => {
      if (this.consumerChannel === opening) this.consumerChannel = null;
    });
    return opening;
  }

  private async restartConsumers(): Promise<void> {
    for (const c of [...this.consumers]) {
      if (!this.consumers.has(c)) continue;
      await this.startConsumer(c).catch((e: unknown) => {
        if (e instanceof ResourceNotFound) {
          this.consumers.delete(c);
          c.onGone?.();
        } else {
          this.o.onEvent?.(
            'error',
            `could not consume queue ${c.queue}: ${e instanceof Error ? e.message : String(e)}`,
          );
        }
      });
    }
  }

  /** Starts consuming unless already consuming; ResourceNotFound when the queue does not exist. */
  private startConsumer(c: QueueConsumer): Promise<void> {
    if (c.tag) return Promise.resolve();
    c.starting ??= withTimeout(
      (async () => {
        try {
          await this.connection();
          // Checked first on a side channel: consuming a missing queue would close the shared channel.
          const exists = await this.onSideChannel(async (ch) => (await ch.checkQueue(c.queue), true));
          if (!exists) {
            if (!this.conn.connection) throw new ServiceUnavailable('RabbitMQ is not reachable right now.');
            throw new ResourceNotFound('queue', c.queue);
          }
          const ch = await this.channelForConsumers();
          const started = this.consumerSetup.then(async () => {
            await ch.prefetch(c.prefetch, false);
            return ch.consume(c.queue, (msg) => this.onQueueMessage(ch, c, msg));
          });
          this.consumerSetup = started.catch(() => undefined);
          const { consumerTag } = await started;
          if (this.consumers.has(c)) c.tag = consumerTag;
          else await ch.cancel(consumerTag).catch(() => undefined); // cancelled meanwhile
        } finally {
          c.starting = null;
        }
      })(),
      // amqplib never settles a channel opened on a connection that is dying; 'connect' starts again.
      2 * BROKER_WAIT_MS,
      () => {
        c.starting = null;
        return new ServiceUnavailable(`Timed out starting to consume queue '${c.queue}'.`);
      },
    );
    return c.starting;
  }

  private onQueueMessage(ch: Channel, c: QueueConsumer, msg: ConsumeMessage | null): void {
    if (!msg) {
      // The broker cancelled the consumer: its queue was deleted.
      if (this.consumers.delete(c)) c.onGone?.();
      return;
    }
    let data: unknown;
    try {
      data = JSON.parse(msg.content.toString());
    } catch {
      this.o.onEvent?.('error', `dropped a message that is not JSON from queue ${c.queue}`);
      safely(() => ch.ack(msg));
      return;
    }
    const messageId = typeof msg.properties.messageId === 'string' ? msg.properties.messageId : undefined;
    void c
      .handler({ data, messageId, redelivered: msg.fields.redelivered })
      .catch((e: unknown) =>
        this.o.onEvent?.('error', `handler of queue ${c.queue} failed: ${e instanceof Error ? e.message : String(e)}`),
      )
      .finally(() => safely(() => ch.ack(msg)));
  }

  /** Connected, and every channel is set up again: consumers are in place, replies can arrive. */
  isConnected(): boolean {
    return this.connected && this.settingUp.size === 0;
  }

  async workQueueDepth(role: BusRole): Promise<number | null> {
    if (!this.connected) return null;
    // A queue no server has declared yet is a 404, which closes the channel that asked.
    const q = await this.onSideChannel((ch) => ch.checkQueue(this.name(role, 'work')));
    return q?.messageCount ?? null;
  }

  async stopServing(): Promise<void> {
    for (const ch of this.servers.splice(0)) {
      this.settingUp.delete(ch);
      await ch.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const call of [...this.pending.values()])
      call.fail(new ServiceUnavailable(`The bus closed before an answer to '${call.pattern}'.`));
    this.consumers.clear();
    const consuming = this.consumerChannel;
    this.consumerChannel = null;
    await consuming?.then((ch) => ch.close()).catch(() => undefined);
    await this.stopServing();
    await this.publisher.close().catch(() => undefined);
    await this.conn.close().catch(() => undefined);
  }
}

/** A consumer of a named queue. */
interface QueueConsumer {
  queue: string;
  handler: (m: QueueMessage) => Promise<void>;
  prefetch: number;
  onGone?: () => void;
  /** The broker's tag of the consumer on the current consumer channel; null while not consuming. */
  tag: string | null;
  starting: Promise<void> | null;
}

interface PendingCall {
  pattern: string;
  /** The broker confirmed the request; only its reply is awaited. */
  sent: boolean;
  settle(reply: RpcReply): void;
  fail(e: Error): void;
}

/** amqplib's error for a publish left unconfirmed by a closing channel. */
const isChannelLoss = (e: unknown): boolean => e instanceof Error && e.message === 'channel closed';

function parse(msg: ConsumeMessage): BusPacket | null {
  try {
    const p = JSON.parse(msg.content.toString()) as BusPacket;
    return typeof p?.pattern === 'string' ? p : null;
  } catch {
    return null;
  }
}

/** `p`, or the error of `fail()` if it has not settled after `ms`. */
function withTimeout<T>(p: Promise<T>, ms: number, fail: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(fail()), ms);
    timer.unref();
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    /* channel closed: the broker requeues unacknowledged messages by itself */
  }
}
