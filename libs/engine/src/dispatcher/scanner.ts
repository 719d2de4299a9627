import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ROOT_LOGGER, type Logger } from '@grove/core';
import { ActionRepository } from '@grove/db';
import { EngineClient } from '@grove/rpc';
import { ENGINE_OPTIONS, type EngineOptions } from '../engine-options';
import { DeadEngineRecovery } from '../recovery/dead-engine-recovery';
import { ActionRunner } from '../runner/action-runner';

/** READY actions announced again per scan at most; more wait for the next scan. */
const RESCAN_BATCH = 1000;

/**
 * The periodic safety net under the broker (Postgres is the truth, RabbitMQ only a hint). Every
 * SCAN_INTERVAL_S each engine: takes over actions of dead engines; wakes parents whose last
 * wake-up was lost or whose deadline passed; releases victims whose lifecycle hook timed out;
 * announces again READY actions nobody picked up; stops running actions whose cancel is recorded
 * (the broadcast that carries it may be lost in a reconnect).
 * Every step is a conditional update, so engines scanning at once never do a thing twice.
 */
@Injectable()
export class Scanner implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  /** Steps still running from an earlier scan; each is skipped until it ends, the others go on. */
  private readonly busy = new Set<string>();

  constructor(
    @Inject(ENGINE_OPTIONS) private readonly o: EngineOptions,
    @Inject(ROOT_LOGGER) private readonly log: Logger,
    private readonly actions: ActionRepository,
    private readonly recovery: DeadEngineRecovery,
    private readonly engine: EngineClient,
    private readonly runner: ActionRunner,
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

  /**
   * One scan: its steps run side by side and independently, so one stuck statement (a row lock
   * held by a frozen engine, until Postgres's timeouts end it) delays only its own step.
   */
  async scan(): Promise<void> {
    await Promise.all([
      this.step('recover', () => this.recovery.recover()),
      this.step('wake', async () => {
        const woken = [
          ...(await this.actions.wakeStranded()),
          ...(await this.actions.wakeOverdue()),
          ...(await this.actions.releaseExpiredHolds()),
        ];
        if (woken.length) {
          this.log.info({ woken: woken.length }, 'scan woke actions');
          await this.engine.announce(woken);
        }
      }),
      this.step('reannounce', async () => {
        const stale = await this.actions.staleReady(this.o.config.READY_RESCAN_AFTER_S, RESCAN_BATCH);
        if (!stale.length) return;
        await this.actions.touch(stale);
        this.log.info({ reannounced: stale.length }, 'scan announced READY actions again');
        await this.engine.announce(stale);
      }),
      this.step('cancels', () => this.runner.pollCancels()),
    ]);
  }

  private async step(name: string, run: () => Promise<unknown>): Promise<void> {
    if (this.busy.has(name)) return;
    this.busy.add(name);
    try {
      await run();
    } catch (e) {
      this.log.warn({ err: e, step: name }, 'scan step failed; will try again');
    } finally {
      this.busy.delete(name);
    }
  }
}
