import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ROOT_LOGGER, type HealthConfig, type Logger } from '@grove/core';
import { ServiceHeartbeat, ServiceRepository } from '@grove/db';
import type { LocalNotifications } from './lifecycle-consumer';

export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');

export interface HealthOptions {
  config: HealthConfig;
  serviceId: string;
  host: string;
  /** The cloud's notifications from this process (all-in-one's embedded cloud), instead of a broker. */
  localNotifications?: LocalNotifications;
}

/**
 * Registers the health-manager in the services table and keeps its heartbeat, so that others see
 * it and, once health policies exist, take over the clusters of one that died.
 */
@Injectable()
export class HealthLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly heartbeat: ServiceHeartbeat;

  constructor(
    @Inject(HEALTH_OPTIONS) private readonly o: HealthOptions,
    @Inject(ROOT_LOGGER) private readonly log: Logger,
    services: ServiceRepository,
  ) {
    this.heartbeat = new ServiceHeartbeat(
      services,
      { id: o.serviceId, host: o.host, binary: 'grove-health-manager', topic: 'health-manager' },
      { intervalS: o.config.HEARTBEAT_INTERVAL_S, deadAfterS: o.config.SERVICE_DEAD_AFTER_S },
      log,
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.heartbeat.start();
    this.log.info({ serviceId: this.o.serviceId }, 'health-manager started');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.heartbeat.stop();
  }
}
