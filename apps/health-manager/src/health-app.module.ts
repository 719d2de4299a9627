import { type DynamicModule, Module } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import {
  databaseAndBroker,
  groveLoggerModule,
  OpsController,
  READINESS_CHECKS,
  type HealthConfig,
  type Logger,
} from '@grove/core';
import { DbModule } from '@grove/db';
import { HealthModule } from '@grove/health';
import type { BusBackend } from '@grove/rpc';

export interface HealthAppOptions {
  config: HealthConfig;
  dataSource: DataSource;
  bus: BusBackend;
  logger: Logger;
  serviceId: string;
  host: string;
}

/** The health-manager process: the health module plus its ops endpoints. */
@Module({})
export class HealthAppModule {
  static forRoot(o: HealthAppOptions): DynamicModule {
    return {
      module: HealthAppModule,
      imports: [
        groveLoggerModule(o.logger),
        DbModule.forDataSource(o.dataSource),
        HealthModule.forRoot({ config: o.config, logger: o.logger, serviceId: o.serviceId, host: o.host, bus: o.bus }),
      ],
      controllers: [OpsController],
      providers: [{ provide: READINESS_CHECKS, useValue: databaseAndBroker(o.dataSource, o.bus) }],
    };
  }
}
