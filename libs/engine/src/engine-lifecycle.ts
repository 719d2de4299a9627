import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { registerFleetGauges, ROOT_LOGGER, sleep, type Logger } from '@grove/core';
import { CloudConnector } from '@grove/drivers';
import { ActionRepository, ServiceRepository } from '@grove/db';
import type { BusBackend } from '@grove/rpc';
import { EngineLease } from './engine-lease';
import { ENGINE_BUS, ENGINE_OPTIONS, type EngineOptions } from './engine-options';
import { NotificationPublisher } from './events/notification-publisher';
import { ActionRunner } from './runner/action-runner';

/** How long a stopping engine waits for running actions to end before it leaves them to recovery. */
const DRAIN_MS = 10_000;

/**
 * Registers the engine in the services table, keeps its heartbeat, runs the notification outbox,
 * and drains it on shutdown.
 */
@Injectable()
export class EngineLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(ENGINE_OPTIONS) private readonly o: EngineOptions,
    @Inject(ROOT_LOGGER) private readonly log: Logger,
    private readonly services: ServiceRepository,
    private readonly actions: ActionRepository,
    @Inject(ENGINE_BUS) private readonly bus: BusBackend,
    private readonly runner: ActionRunner,
    private readonly cloud: CloudConnector,
    private readonly notifications: NotificationPublisher,
    private readonly lease: EngineLease,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.lease.heartbeat.start();
    const deadAfter = this.o.config.SERVICE_DEAD_AFTER_S;
    registerFleetGauges({
      queueDepth: () => this.bus.workQueueDepth('engine'),
      readyActions: () => this.actions.countReady(),
      liveEngines: () => this.services.countLive('grove-engine', deadAfter),
    });
    this.notifications.start();
    this.log.info(
      {
        engineId: this.o.engineId,
        concurrency: this.o.config.ENGINE_CONCURRENCY,
        notifications: this.notifications.publishing ? `${this.o.config.AMQP_PREFIX}.notifications` : 'off',
      },
      'engine started',
    );
  }

  async onApplicationShutdown(): Promise<void> {
    const until = Date.now() + DRAIN_MS;
    while (this.runner.busy > 0 && Date.now() < until) await sleep(100);
    if (this.runner.busy > 0)
      this.log.warn(
        { running: this.runner.busy },
        'stopping with actions still running; other engines will take them over',
      );
    // What we have not published stays in the outbox for the other engines (or our next start).
    await this.notifications.stop();
    // Without our row, the scan of every other engine sees what we leave as a dead engine's work.
    await this.lease.heartbeat.stop();
    await this.cloud.close();
  }
}
