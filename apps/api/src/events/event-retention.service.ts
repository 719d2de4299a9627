import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ROOT_LOGGER, type ApiConfig, type Logger } from '@grove/core';
import { EventRepository } from '@grove/db';
import { API_CONFIG } from '../http/request-context.middleware';

/** Events deleted per statement, so that one purge never holds many row locks at once. */
const BATCH = 5000;

/**
 * Keeps the event table from growing forever: events older than EVENT_RETENTION_DAYS go, at start
 * and every EVENT_PURGE_INTERVAL_S (Senlin leaves this to `senlin-manage event_purge` run by hand).
 * Every api does it; the deletes are idempotent, so several at once only share the work.
 */
@Injectable()
export class EventRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    @Inject(ROOT_LOGGER) private readonly log: Logger,
    private readonly events: EventRepository,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.cfg.EVENT_RETENTION_DAYS) return;
    void this.purge();
    this.timer = setInterval(() => void this.purge(), this.cfg.EVENT_PURGE_INTERVAL_S * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Deletes every event older than the retention; returns how many went (0 when retention is off). */
  async purge(): Promise<number> {
    const days = this.cfg.EVENT_RETENTION_DAYS;
    if (!days) return 0;
    let total = 0;
    try {
      for (;;) {
        const n = await this.events.purgeOlderThan(days, BATCH);
        total += n;
        if (n < BATCH) break;
      }
      if (total) this.log.info({ deleted: total, retentionDays: days }, 'purged old events');
    } catch (e) {
      this.log.warn({ err: e }, 'could not purge old events');
    }
    return total;
  }
}
