import { Expose } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { EmptyAsUnset, ToNumber } from './load-config';
import { LoggingConfig } from './logging-config';

export class SimulatorConfig extends LoggingConfig {
  /** Port of the simulated OpenStack endpoints (Keystone, Nova, Glance, Neutron, Heat) and the admin API. */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(65535)
  SIMULATOR_PORT = 8790;

  @Expose()
  @IsString()
  SIMULATOR_HOST = '127.0.0.1';

  /** Port of the simulated Docker Engine API, reachable on every simulated server's fixed IP. */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(65535)
  SIMULATOR_DOCKER_PORT = 2375;

  /** A JSON file that replaces the built-in seed (flavors, images, networks, zones, regions, users). */
  @Expose()
  @EmptyAsUnset()
  @IsOptional()
  @IsString()
  SIMULATOR_SEED_FILE?: string;
}
