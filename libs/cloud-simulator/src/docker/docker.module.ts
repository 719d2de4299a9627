import { Module, type DynamicModule } from '@nestjs/common';
import { SimulatorStore } from '../store/simulator-store';
import { ContainersController } from './containers.controller';
import { DockerSystemController } from './docker-system.controller';

/** The Docker Engine API, served on its own port. */
@Module({})
export class DockerModule {
  static register(store: SimulatorStore): DynamicModule {
    return {
      module: DockerModule,
      controllers: [DockerSystemController, ContainersController],
      providers: [{ provide: SimulatorStore, useValue: store }],
    };
  }
}
