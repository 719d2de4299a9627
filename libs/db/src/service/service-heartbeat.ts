import type { Logger } from '@grove/core';
import type { ServiceRepository } from './service.repository';
import type { ServiceBinary } from './service.entity';

/**
 * Keeps a process's row in the services table fresh. If the row vanished (others took this
 * process for dead and took over its work), `onLost` runs before the row is written again, so
 * the process can drop work it no longer owns.
 */
export class ServiceHeartbeat {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly repo: ServiceRepository,
    private readonly me: { id: string; host: string; binary: ServiceBinary; topic: string },
    private readonly intervalS: number,
    private readonly log: Logger,
    private readonly onLost: () => void = () => undefined,
  ) {}

  async start(): Promise<void> {
    await this.repo.register(this.me);
    this.timer = setInterval(() => void this.beat(), this.intervalS * 1000);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    try {
      if (await this.repo.heartbeat(this.me.id)) return;
      this.log.warn(
        { serviceId: this.me.id },
        'service row was taken over as dead; dropping owned work and registering again',
      );
      this.onLost();
      await this.repo.register(this.me);
    } catch (e) {
      this.log.warn({ err: e }, 'heartbeat failed; will try again');
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.repo.deregister(this.me.id).catch(() => undefined);
  }
}
