import { type DynamicModule, Module } from '@nestjs/common';
import { ROOT_LOGGER, type HealthConfig, type Logger } from '@grove/core';
import { HEALTH_OPTIONS, HealthLifecycle } from './health-lifecycle';

export interface HealthModuleOptions {
  config: HealthConfig;
  logger: Logger;
  serviceId: string;
  host: string;
}

/**
 * The health-manager: for now its registration and heartbeat; detection and recovery arrive
 * with health policies. Needs DbModule (global) in the same app.
 */
@Module({})
export class HealthModule {
  static forRoot(o: HealthModuleOptions): DynamicModule {
    return {
      module: HealthModule,
      providers: [
        { provide: HEALTH_OPTIONS, useValue: { config: o.config, serviceId: o.serviceId, host: o.host } },
        { provide: ROOT_LOGGER, useValue: o.logger },
        HealthLifecycle,
      ],
    };
  }
}
