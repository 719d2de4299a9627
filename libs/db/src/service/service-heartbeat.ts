import type { Logger } from '@grove/core';
import type { ServiceRepository } from './service.repository';
import type { ServiceBinary } from './service.entity';

/** The process acted after its lease ran out: others may already take it for dead. */
export class LeaseLapsed extends Error {
  constructor(sinceMs: number) {
    super(
      sinceMs > 0
        ? `This process has not heartbeaten for ${Math.round(sinceMs / 1000)} s; it stopped its work.`
        : 'This process lost its heartbeat lease while the action ran; it stopped the action.',
    );
    this.name = 'LeaseLapsed';
  }
}

export interface HeartbeatOptions {
  intervalS: number;
  /** Others take this process for dead when its heartbeat is older than this. */
  deadAfterS: number;
  /** Runs when the process must drop the work it owns: its lease ran out, or its row was taken. */
  onLost?: () => void;
}

/**
 * Keeps a process's row in the services table fresh, and holds the process's lease: it may act
 * only while its last heartbeat that landed was sent less than `deadAfterS - intervalS` ago (by
 * its own monotonic clock). The others take it for dead only after `deadAfterS` on the database's
 * clock, so a process that was paused (SIGSTOP, a GC stall) or cut off from the database stops
 * its own work before anyone may take it over; `fresh` is what every write and cloud call checks,
 * because after a pause the code that resumes first may not be this timer.
 */
export class ServiceHeartbeat {
  private timer: NodeJS.Timeout | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private lastLandedSentAt = Number.NEGATIVE_INFINITY;
  private lapsed = false;
  private readonly leaseMs: number;

  constructor(
    private readonly repo: ServiceRepository,
    private readonly me: { id: string; host: string; binary: ServiceBinary; topic: string },
    private readonly o: HeartbeatOptions,
    private readonly log: Logger,
  ) {
    this.leaseMs = (o.deadAfterS - o.intervalS) * 1000;
  }

  /** Whether this process may still act. */
  get fresh(): boolean {
    return performance.now() - this.lastLandedSentAt < this.leaseMs;
  }

  /** Throws LeaseLapsed unless the process may still act. */
  assertFresh(): void {
    if (!this.fresh) throw new LeaseLapsed(performance.now() - this.lastLandedSentAt);
  }

  async start(): Promise<void> {
    const sent = performance.now();
    await this.repo.register(this.me);
    this.lastLandedSentAt = sent;
    this.timer = setInterval(() => void this.beat(), this.o.intervalS * 1000);
    this.timer.unref();
    this.watchdog = setInterval(() => this.check(), Math.min(1000, this.o.intervalS * 500));
    this.watchdog.unref();
  }

  private check(): void {
    if (this.fresh || this.lapsed) return;
    this.lapsed = true;
    this.log.warn(
      { serviceId: this.me.id, leaseS: this.leaseMs / 1000 },
      'heartbeat lease ran out; dropping owned work before others may take it over',
    );
    this.o.onLost?.();
  }

  private async beat(): Promise<void> {
    const sent = performance.now();
    try {
      if (!(await this.repo.heartbeat(this.me.id, this.leaseMs / 1000))) {
        this.log.warn(
          { serviceId: this.me.id },
          'service row was taken over as dead; dropping owned work and registering again',
        );
        this.o.onLost?.();
        await this.repo.register(this.me);
      }
      // A beat that lands after the lease ran out does not bring back what was dropped.
      this.check();
      this.lastLandedSentAt = Math.max(this.lastLandedSentAt, sent);
      if (this.lapsed && this.fresh) {
        this.lapsed = false;
        this.log.info({ serviceId: this.me.id }, 'heartbeat lease renewed');
      }
    } catch (e) {
      this.log.warn({ err: e }, 'heartbeat failed; will try again');
      this.check();
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.watchdog) clearInterval(this.watchdog);
    this.timer = this.watchdog = null;
    await this.repo.deregister(this.me.id).catch(() => undefined);
  }
}
