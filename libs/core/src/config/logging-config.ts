import { Expose } from 'class-transformer';
import { IsIn } from 'class-validator';
import { LOG_FORMATS, type LogFormat } from '../logging';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** How every Grove process logs. */
export class LoggingConfig {
  @Expose()
  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /** `auto`: readable lines on a terminal, JSON lines otherwise; `json` or `pretty` force one. */
  @Expose()
  @IsIn(LOG_FORMATS)
  LOG_FORMAT: LogFormat = 'auto';
}
