import amqp, { type Channel, type ChannelModel } from 'amqplib';
import type { SimulatorLogger } from '../simulator';
import type { OutgoingMessage } from './oslo-message';

/** Pause between connection attempts while the broker is away. */
const RECONNECT_MS = 1_000;
/** An unreachable host should fail the attempt, not hang it. */
const CONNECT_TIMEOUT_MS = 5_000;
/** Messages kept while the broker is away; past this the oldest go, so an absent broker costs bounded memory. */
const MAX_WAITING = 10_000;

/**
 * How kombu publishes what oslo.messaging hands it: JSON, persistent (kombu's default delivery
 * mode; the exchanges themselves are not durable).
 */
const PROPERTIES = { contentType: 'application/json', contentEncoding: 'utf-8', deliveryMode: 2 } as const;

/**
 * Publishes to RabbitMQ without ever holding up or failing the caller: `publish` only queues, the
 * queue drains on the next turn of the event loop, and a lost broker is reconnected to in the
 * background while messages wait (up to MAX_WAITING, then the oldest are dropped and counted).
 *
 * The exchanges are declared on every connect as oslo.messaging's rabbit driver declares a
 * notification exchange: topic, not durable (`amqp_durable_queues` defaults to false), not
 * auto-deleted. The driver also declares a queue per routing key so that nothing is lost before a
 * consumer binds; the simulator does not, so that tests' exchanges leave nothing behind.
 */
export class NotificationBus {
  private model: ChannelModel | null = null;
  private channel: Channel | null = null;
  private readonly waiting: OutgoingMessage[] = [];
  private dropped = 0;
  private draining = false;
  private drainScheduled = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  /** True between the first failure of an outage and the next connect, so an outage is logged once. */
  private away = false;
  private closed = false;

  constructor(
    private readonly o: { url: string; exchanges: string[]; logger?: SimulatorLogger; connectionName?: string },
  ) {
    void this.connect();
  }

  /** Queues a message; never throws. */
  publish(m: OutgoingMessage): void {
    if (this.closed) return;
    this.waiting.push(m);
    if (this.waiting.length > MAX_WAITING) {
      this.waiting.shift();
      this.dropped += 1;
    }
    if (!this.drainScheduled) {
      this.drainScheduled = true;
      setImmediate(() => {
        this.drainScheduled = false;
        this.drain();
      });
    }
  }

  /** Sends what is waiting when connected (briefly), then disconnects. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.drain();
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const model = this.model;
    this.model = null;
    this.channel = null;
    // Closing the channel first flushes what was written to it.
    await model?.close().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    this.reconnectTimer = null;
    if (this.closed) return;
    let model: ChannelModel | null = null;
    try {
      model = await amqp.connect(this.o.url, {
        timeout: CONNECT_TIMEOUT_MS,
        noDelay: true,
        clientProperties: { connection_name: this.o.connectionName ?? 'grove-cloud-simulator notifications' },
      });
      // An 'error' without a listener would crash the process; 'close' follows it and is handled below.
      model.on('error', () => undefined);
      const channel = await model.createChannel();
      channel.on('error', () => undefined);
      for (const x of this.o.exchanges) await channel.assertExchange(x, 'topic', { durable: false, autoDelete: false });
      if (this.closed) {
        await model.close().catch(() => undefined);
        return;
      }
      model.on('close', () => this.lost(model!, 'the broker closed the connection'));
      channel.on('close', () => this.lost(model!, 'the broker closed the channel'));
      channel.on('drain', () => {
        this.draining = false;
        this.drain();
      });
      this.model = model;
      this.channel = channel;
      if (this.away || this.dropped) {
        this.o.logger?.info(
          { broker: redacted(this.o.url), waiting: this.waiting.length, dropped: this.dropped },
          'notifications: connected to the broker again',
        );
      }
      this.away = false;
      this.dropped = 0;
      this.drain();
    } catch (e) {
      await model?.close().catch(() => undefined);
      this.retry(e instanceof Error ? e.message : String(e));
    }
  }

  private lost(model: ChannelModel, why: string): void {
    if (this.model !== model) return;
    this.model = null;
    this.channel = null;
    this.draining = false;
    void model.close().catch(() => undefined);
    this.retry(why);
  }

  private retry(why: string): void {
    if (this.closed || this.reconnectTimer) return;
    if (!this.away) {
      this.away = true;
      this.o.logger?.warn(
        { broker: redacted(this.o.url), err: why, waiting: this.waiting.length },
        `notifications: cannot publish; reconnecting every ${RECONNECT_MS} ms, keeping at most ${MAX_WAITING} messages`,
      );
    }
    this.reconnectTimer = setTimeout(() => void this.connect(), RECONNECT_MS);
    this.reconnectTimer.unref();
  }

  private drain(): void {
    const ch = this.channel;
    if (!ch || this.draining) return;
    while (this.waiting.length) {
      const m = this.waiting.shift()!;
      try {
        // false = the socket's buffer is full: wait for 'drain' rather than grow it.
        if (!ch.publish(m.exchange, m.routingKey, Buffer.from(JSON.stringify(m.body)), PROPERTIES)) {
          this.draining = true;
          return;
        }
      } catch (e) {
        // The channel closed under us; 'close' reconnects, and this one message is lost.
        this.dropped += 1;
        this.o.logger?.warn({ err: e instanceof Error ? e.message : String(e) }, 'notifications: a publish failed');
        return;
      }
    }
  }
}

/** The broker URL without its password, for logs. */
function redacted(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable AMQP URL)';
  }
}
