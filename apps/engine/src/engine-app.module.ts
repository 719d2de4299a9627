import { type DynamicModule, Module } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import {
  databaseAndBroker,
  groveLoggerModule,
  OpsController,
  READINESS_CHECKS,
  type EngineConfig,
  type Logger,
} from '@grove/core';
import { EngineModule } from '@grove/engine';
import { DbModule } from '@grove/db';
import type { BusBackend } from '@grove/rpc';

export interface EngineAppOptions {
  config: EngineConfig;
  dataSource: DataSource;
  bus: BusBackend;
  logger: Logger;
  engineId: string;
  host: string;
}

/** The engine process: the engine module plus its ops endpoints. */
@Module({})
export class EngineAppModule {
  static forRoot(o: EngineAppOptions): DynamicModule {
    return {
      module: EngineAppModule,
      imports: [
        groveLoggerModule(o.logger),
        DbModule.forDataSource(o.dataSource),
        EngineModule.forRoot({ config: o.config, bus: o.bus, logger: o.logger, engineId: o.engineId, host: o.host }),
      ],
      controllers: [OpsController],
      providers: [{ provide: READINESS_CHECKS, useValue: databaseAndBroker(o.dataSource, o.bus) }],
    };
  }
}
