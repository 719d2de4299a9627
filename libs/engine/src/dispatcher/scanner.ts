import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ROOT_LOGGER, type Logger } from '@grove/core';
import { ActionRepository } from '@grove/db';
import { EngineClient } from '@grove/rpc';
import { ENGINE_OPTIONS, type EngineOptions } from '../engine-options';
import { DeadEngineRecovery } from '../recovery/dead-engine-recovery';

/** READY actions announced again per scan at most; more wait for the next scan. */
const RESCAN_BATCH = 1000;

/**
 * The periodic safety net under the broker (Postgres is the truth, RabbitMQ only a hint). Every
 * SCAN_INTERVAL_S each engine: takes over actions of dead engines; wakes parents whose last
 * wake-up was lost or whose deadline passed; releases victims whose lifecycle hook timed out;
 * announces again READY actions nobody picked up.
 * Every step is a conditional update, so engines scanning at once never do a thing twice.
 */
@Injectable()
export class Scanner implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private scanning = false;

  constructor(
    @Inject(ENGINE_OPTIONS) private readonly o: EngineOptions,
    @Inject(ROOT_LOGGER) private readonly log: Logger,
    private readonly actions: ActionRepository,
    private readonly recovery: DeadEngineRecovery,
    private readonly engine: EngineClient,
  ) {}

  onApplicationBootstrap(): void {
    // The first scan right away: work left READY while no engine ran starts at once.
    void this.scan();
    this.timer = setInterval(() => void this.scan(), this.o.config.SCAN_INTERVAL_S * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async scan(): Promise<void> {
    if (this.scanning) return;
    this.scanning = true;
    try {
      await this.recovery.recover();
      const woken = [
        ...(await this.actions.wakeStranded()),
        ...(await this.actions.wakeOverdue()),
        ...(await this.actions.releaseExpiredHolds()),
      ];
      const stale = await this.actions.staleReady(this.o.config.READY_RESCAN_AFTER_S, RESCAN_BATCH);
      await this.actions.touch(stale);
      const again = [...woken, ...stale];
      if (again.length) {
        this.log.info({ woken: woken.length, reannounced: stale.length }, 'scan found actions to announce');
        await this.engine.announce(again);
      }
    } catch (e) {
      this.log.warn({ err: e }, 'scan failed; will try again');
    } finally {
      this.scanning = false;
    }
  }
}
