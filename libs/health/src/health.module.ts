import { type DynamicModule, Module } from '@nestjs/common';
import { ROOT_LOGGER, type HealthConfig, type Logger } from '@grove/core';
import { EngineClient, type BusBackend } from '@grove/rpc';
import { HEALTH_OPTIONS, HealthLifecycle } from './health-lifecycle';
import { HealthManager } from './health-manager';
import type { LocalNotifications } from './lifecycle-consumer';

export interface HealthModuleOptions {
  config: HealthConfig;
  logger: Logger;
  serviceId: string;
  host: string;
  /** Where it reaches the engines: node checks and recoveries (they hold the cloud credentials). */
  bus: BusBackend;
  /** The cloud's notifications from this process (all-in-one's embedded cloud), instead of a broker. */
  localNotifications?: LocalNotifications;
}

/** How long the health manager waits for an engine's answer (a check of many nodes is one call). */
const ENGINE_CALL_TIMEOUT_MS = 30_000;

/**
 * The health-manager: its registration and heartbeat, and the checks of the clusters whose health
 * policy registered them (HealthManager). Needs DbModule (global) in the same app.
 */
@Module({})
export class HealthModule {
  static forRoot(o: HealthModuleOptions): DynamicModule {
    return {
      module: HealthModule,
      providers: [
        {
          provide: HEALTH_OPTIONS,
          useValue: {
            config: o.config,
            serviceId: o.serviceId,
            host: o.host,
            localNotifications: o.localNotifications,
          },
        },
        { provide: ROOT_LOGGER, useValue: o.logger },
        {
          provide: EngineClient,
          useValue: new EngineClient(o.bus, {
            rpcTimeoutMs: ENGINE_CALL_TIMEOUT_MS,
            onPublishError: (pattern, e) => o.logger.warn({ err: e, pattern }, 'could not publish'),
          }),
        },
        HealthLifecycle,
        HealthManager,
      ],
    };
  }
}
