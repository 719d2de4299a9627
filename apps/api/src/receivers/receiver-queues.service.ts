import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ResourceNotFound, ROOT_LOGGER, type Logger } from '@grove/core';
import { ReceiverRepository, type ReceiverEntity } from '@grove/db';
import type { BusBackend } from '@grove/rpc';
import { ReceiverActions } from './receiver-actions.service';
import { receiverQueue } from './receiver-channel';

export const API_BUS = Symbol('API_BUS');

/** How often each api process compares the queues it consumes with the message receivers there are. */
const RESYNC_MS = 15_000;

/**
 * The queues of message receivers, Grove's stand-in for Senlin's Zaqar queues: declared when a
 * receiver is made, deleted with it, and consumed by every api process (they compete for the
 * messages, each taken by one). A process follows the receivers it makes at once, and every
 * RESYNC_MS catches up with those other processes made or deleted (a queue deleted elsewhere also
 * cancels its consumers here at once). Only with RabbitMQ: the in-process bus has no one outside
 * the process to send messages.
 */
@Injectable()
export class ReceiverQueues implements OnApplicationBootstrap, OnApplicationShutdown {
  /** Receiver id → how to stop consuming its queue (a promise while starting). */
  private readonly following = new Map<string, Promise<(() => Promise<void>) | null>>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    @Inject(API_BUS) private readonly bus: BusBackend,
    @Inject(ROOT_LOGGER) private readonly log: Logger,
    private readonly receivers: ReceiverRepository,
    private readonly actions: ReceiverActions,
  ) {}

  /** Message receivers need a broker others can reach. */
  get available(): boolean {
    return this.bus.kind === 'amqp';
  }

  onApplicationBootstrap(): void {
    if (!this.available) return;
    void this.resync();
    this.timer = setInterval(() => void this.resync(), RESYNC_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all([...this.following.keys()].map((id) => this.unfollow(id)));
  }

  /** Declares a new receiver's queue; ServiceUnavailable when the broker cannot be reached. */
  create(receiverId: string): Promise<void> {
    return this.bus.declareQueue(receiverQueue(receiverId));
  }

  /** Deletes a receiver's queue and what waits in it; the consumers everywhere are cancelled. */
  async delete(receiverId: string): Promise<void> {
    await this.unfollow(receiverId);
    await this.bus.deleteQueue(receiverQueue(receiverId));
  }

  /** Consumes the receiver's queue in this process (if not already), re-declaring a queue the broker lost. */
  async follow(r: ReceiverEntity): Promise<void> {
    if (this.stopped) return;
    const current = this.following.get(r.id);
    if (current && (await current)) return;
    const starting = this.consume(r);
    this.following.set(r.id, starting);
    if (!(await starting) && this.following.get(r.id) === starting) this.following.delete(r.id);
  }

  async unfollow(receiverId: string): Promise<void> {
    const cancel = await this.following.get(receiverId);
    this.following.delete(receiverId);
    await cancel?.();
  }

  private async consume(r: ReceiverEntity): Promise<(() => Promise<void>) | null> {
    const queue = receiverQueue(r.id);
    const start = () =>
      this.bus.consumeQueue(queue, (m) => this.onMessage(r.id, m.data, m.messageId), {
        onGone: () => this.following.delete(r.id),
      });
    try {
      return await start();
    } catch (e) {
      if (!(e instanceof ResourceNotFound)) {
        this.log.warn({ err: e, receiverId: r.id }, 'cannot consume the queue of a message receiver yet');
        return null;
      }
      // No queue: a broker that lost its state, or a delete in progress elsewhere (which removes
      // the row first). Made again only for a receiver that still exists.
      try {
        if (!(await this.receivers.getById(r.id))) return null;
        await this.bus.declareQueue(queue);
        return await start();
      } catch (again) {
        this.log.warn({ err: again, receiverId: r.id }, 'cannot consume the queue of a message receiver yet');
        return null;
      }
    }
  }

  private async onMessage(receiverId: string, data: unknown, messageId: string | undefined): Promise<void> {
    // Read afresh: the receiver may have been updated, or deleted while its queue still held messages.
    const r = await this.receivers.getById(receiverId);
    if (!r || r.type !== 'message') {
      this.log.warn({ receiverId, messageId }, 'dropped a message for a receiver that no longer exists');
      return;
    }
    await this.actions.fromMessage(r, data, messageId);
  }

  /** Follows every message receiver there is, and stops following those that are gone. */
  async resync(): Promise<void> {
    if (this.stopped) return;
    try {
      const receivers = await this.receivers.ofType('message');
      const ids = new Set(receivers.map((r) => r.id));
      await Promise.all([...this.following.keys()].filter((id) => !ids.has(id)).map((id) => this.unfollow(id)));
      for (const r of receivers) await this.follow(r);
    } catch (e) {
      this.log.warn({ err: e }, 'could not catch up with the message receivers; will try again');
    }
  }
}
