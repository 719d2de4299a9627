import amqp, { type Channel, type ChannelModel } from 'amqplib';
import type { Logger } from '@grove/core';
import { lifecycleFailure, type LifecycleFailure } from './lifecycle-events';

/** Pause before connecting again after the broker went away. */
const RECONNECT_MS = 2_000;

/**
 * Notifications handed over in this process (all-in-one mode's embedded cloud has no broker):
 * subscribe, and get back the unsubscribe. Each message is what a broker would deliver.
 */
export type LocalNotifications = (
  handler: (m: { exchange: string; routingKey: string; body: unknown }) => void,
) => () => void;

export interface LifecycleConsumerOptions {
  /** The cloud's broker, or `local` for notifications from this process. */
  source: { amqpUrl: string } | { local: LocalNotifications };
  novaExchange: string;
  heatExchange: string;
  log: Logger;
  /** Called for every notification that reports a Grove node's resource failed or gone. */
  onFailure: (f: LifecycleFailure) => Promise<void>;
}

/**
 * Reads Nova's versioned notifications and Heat's stack notifications from the cloud's RabbitMQ, on
 * a queue of its own bound to both exchanges (each health-manager instance sees every event and
 * acts only for the clusters it holds). The exchanges are declared as oslo.messaging declares them
 * (topic, not durable), so that it can start before the services have published anything. It
 * reconnects by itself; what was published while it was away is not seen, and the polling modes
 * are there for that.
 */
export class LifecycleConsumer {
  private conn: ChannelModel | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly o: LifecycleConsumerOptions) {}

  start(): void {
    const source = this.o.source;
    if ('local' in source) {
      // The bindings of bind(), as a filter: Nova's versioned topic and Heat's notifications topic.
      this.unsubscribe = source.local((m) => {
        const nova = m.exchange === this.o.novaExchange && m.routingKey.startsWith('versioned_notifications.');
        const heat = m.exchange === this.o.heatExchange && m.routingKey.startsWith('notifications.');
        if (nova || heat) this.accept(m.body);
      });
      this.o.log.info({ nova: this.o.novaExchange, heat: this.o.heatExchange }, 'reading lifecycle notifications');
    } else void this.connect(source.amqpUrl);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.retry) clearTimeout(this.retry);
    await this.conn?.close().catch(() => undefined);
  }

  private async connect(amqpUrl: string): Promise<void> {
    if (this.stopped) return;
    try {
      const conn = await amqp.connect(amqpUrl, {
        clientProperties: { connection_name: 'grove-health-lifecycle' },
      });
      this.conn = conn;
      conn.on('error', () => undefined);
      conn.on('close', () => {
        this.conn = null;
        this.later(amqpUrl);
      });
      const ch = await conn.createChannel();
      await this.bind(ch);
      this.o.log.info({ nova: this.o.novaExchange, heat: this.o.heatExchange }, 'reading lifecycle notifications');
    } catch (e) {
      this.o.log.warn({ err: (e as Error).message }, 'cannot read lifecycle notifications yet; trying again');
      this.later(amqpUrl);
    }
  }

  private later(amqpUrl: string): void {
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect(amqpUrl);
    }, RECONNECT_MS);
    this.retry.unref();
  }

  private async bind(ch: Channel): Promise<void> {
    await ch.assertExchange(this.o.novaExchange, 'topic', { durable: false });
    await ch.assertExchange(this.o.heatExchange, 'topic', { durable: false });
    const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true });
    await ch.bindQueue(queue, this.o.novaExchange, 'versioned_notifications.*');
    await ch.bindQueue(queue, this.o.heatExchange, 'notifications.*');
    await ch.consume(
      queue,
      (msg) => {
        if (!msg) return;
        let body: unknown;
        try {
          body = JSON.parse(msg.content.toString('utf8'));
        } catch {
          return;
        }
        this.accept(body);
      },
      { noAck: true },
    );
  }

  /** Acts on a notification that reports a Grove node's resource failed or gone; ignores the rest. */
  private accept(body: unknown): void {
    const failure = lifecycleFailure(body);
    if (!failure) return;
    this.o
      .onFailure(failure)
      .catch((e: unknown) =>
        this.o.log.warn({ err: e, nodeId: failure.nodeId }, 'a lifecycle notification could not be acted on'),
      );
  }
}
