import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ROOT_LOGGER, type Logger } from '@grove/core';
import { EventRepository } from '@grove/db';
import type { BusBackend } from '@grove/rpc';
import { ENGINE_BUS, ENGINE_OPTIONS, type EngineOptions } from '../engine-options';
import { toNotification } from './notification';

/** Events taken per transaction. */
const BATCH = 500;
/** After events were written here, how long to wait for more before publishing (and for their commit). */
const WAKE_DELAY_MS = 100;
/** A batch the broker has not confirmed by then is rolled back and taken again later. */
const PUBLISH_TIMEOUT_MS = 10_000;
/** Pause after a failed round (broker or database away). */
const RETRY_MS = 5_000;

/**
 * The notification outbox, drained by every engine: event rows are written unpublished in the
 * transactions that make them, and this loop takes a batch with `FOR UPDATE SKIP LOCKED`,
 * publishes each event on the `<AMQP_PREFIX>.notifications` topic exchange (routing key = event
 * type), marks them published and commits. Engines draining at once take disjoint batches, so in
 * normal operation no event goes out twice; an engine that dies mid-batch leaves its rows
 * unpublished for the next one (at least once: consumers dedupe on `message_id`).
 *
 * It runs a moment after this engine wrote events, and every NOTIFICATION_INTERVAL_MS for events
 * other processes wrote. With the in-process bus, or NOTIFICATIONS_ENABLED=false, nobody could
 * listen: this process writes its events as published, and the rounds mark published what others
 * wrote, so the outbox stays empty at no cost to the actions.
 */
@Injectable()
export class NotificationPublisher {
  private timer: NodeJS.Timeout | null = null;
  private dueAt = Infinity;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private failing = false;
  private readonly exchange: string;
  private readonly publisherId: string;

  constructor(
    @Inject(ENGINE_OPTIONS) private readonly o: EngineOptions,
    @Inject(ROOT_LOGGER) private readonly log: Logger,
    @Inject(ENGINE_BUS) private readonly bus: BusBackend,
    private readonly ds: DataSource,
    private readonly events: EventRepository,
  ) {
    this.exchange = `${o.config.AMQP_PREFIX}.notifications`;
    this.publisherId = `grove-engine:${o.host}`;
    if (this.publishing) events.onInsert(() => this.schedule(WAKE_DELAY_MS));
  }

  /** True when events really go out (RabbitMQ, notifications on). */
  get publishing(): boolean {
    return this.bus.kind === 'amqp' && this.o.config.NOTIFICATIONS_ENABLED;
  }

  start(): void {
    this.stopped = false;
    // Nothing can go out: what this process writes skips the outbox, and the rounds only mark
    // published what other processes (an api on RabbitMQ) wrote.
    if (!this.publishing) this.events.skipOutbox();
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Runs a round in `ms` unless one is due sooner. */
  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    const at = Date.now() + ms;
    if (this.timer && this.dueAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.dueAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.dueAt = Infinity;
      this.running = this.round().finally(() => (this.running = null));
    }, ms);
    this.timer.unref();
  }

  private async round(): Promise<void> {
    let next = this.o.config.NOTIFICATION_INTERVAL_MS;
    this.again = false;
    try {
      const full = await this.drainOnce();
      if (full || this.again) next = 0;
      if (this.failing) this.log.info('notifications flow again');
      this.failing = false;
    } catch (e) {
      if (!this.failing) this.log.warn({ err: e }, 'could not publish notifications; will try again');
      this.failing = true;
      next = Math.max(next, RETRY_MS);
    }
    this.running = null;
    this.schedule(next);
  }

  /** One batch; true when it was full, so more may be waiting. */
  async drainOnce(): Promise<boolean> {
    if (!this.publishing) return (await this.events.markSomePublished(BATCH * 10)) === BATCH * 10;
    return this.ds.transaction(async (em) => {
      const batch = await this.events.takeUnpublished(em, BATCH);
      if (!batch.length) return false;
      const subjects = await this.events.subjects(batch, em);
      const sent = Promise.all(
        batch.map((e) => {
          const n = toNotification(e, subjects, this.publisherId);
          return this.bus.publishTopic(this.exchange, n.event_type, n);
        }),
      );
      await within(sent, PUBLISH_TIMEOUT_MS, 'the broker did not confirm the notifications in time');
      await this.events.markPublished(
        batch.map((e) => e.id),
        em,
      );
      return batch.length === BATCH;
    });
  }
}

function within<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
