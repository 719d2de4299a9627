import { Expose } from 'class-transformer';
import { IsString, MinLength } from 'class-validator';
import { SimulatorConfig } from './simulator-config';

/** What all-in-one mode reads before it starts anything; the api, engine and health settings follow. */
export class AllInOneConfig extends SimulatorConfig {
  /** Where the embedded Postgres keeps its data between runs (in `<dir>/postgres`). */
  @Expose()
  @IsString()
  @MinLength(1)
  GROVE_DATA_DIR = '.grove';

  /**
   * Run as root, the embedded Postgres runs as user `postgres`. Binaries and data that user cannot
   * reach where they are (a checkout under /root, say) are kept here instead.
   */
  @Expose()
  @IsString()
  @MinLength(1)
  GROVE_SYSTEM_DIR = '/var/lib/grove';
}
