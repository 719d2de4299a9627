import { Expose } from 'class-transformer';
import { IsDefined, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { EmptyAsUnset, ToNumber } from './load-config';
import { LoggingConfig } from './logging-config';

/** Settings every Grove process reads. */
export class CommonConfig extends LoggingConfig {
  /** Postgres, e.g. postgres://postgres@127.0.0.1:5432/grove. Unset in all-in-one mode: an embedded Postgres is started. */
  @Expose()
  @EmptyAsUnset()
  @IsDefined({ groups: ['split'] })
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  DATABASE_URL?: string;

  /** RabbitMQ, e.g. amqp://guest:guest@127.0.0.1:5672. Unset in all-in-one mode: an in-process bus is used. */
  @Expose()
  @EmptyAsUnset()
  @IsDefined({ groups: ['split'] })
  @IsOptional()
  @Matches(/^amqps?:\/\//, { message: 'must be an amqp:// URL' })
  AMQP_URL?: string;

  /** Prefix of every queue and exchange name, so that several deployments (or test runs) share a broker. */
  @Expose()
  @Matches(/^[a-z0-9][a-z0-9_.-]*$/i, { message: 'must be letters, digits, dot, dash or underscore' })
  AMQP_PREFIX = 'grove';

  /**
   * When set, queues this process declares vanish after being unused this long (RabbitMQ
   * x-expires). Meant for test runs on a shared broker; leave unset in production.
   */
  @Expose()
  @ToNumber()
  @IsOptional()
  @IsInt()
  @Min(10)
  AMQP_QUEUE_EXPIRES_S?: number;

  /** Connections each process keeps to Postgres. */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(2)
  @Max(200)
  DATABASE_POOL_SIZE = 20;

  /** How often a process writes its heartbeat into the services table. */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(600)
  HEARTBEAT_INTERVAL_S = 5;

  /** A service whose last heartbeat is older than this is dead: its locks are stolen and its work recovered. */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(2)
  @Max(3600)
  SERVICE_DEAD_AFTER_S = 20;

  /** Port of the process's own /healthz, /readyz and /metrics listener (0 = any free port). The api serves them on API_PORT. */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(65535)
  OPS_PORT = 0;

  @Expose()
  OPS_HOST = '0.0.0.0';

  /**
   * The shortest `detection.interval` a health policy may ask for, in seconds (Senlin's
   * health_check_interval_min). The api and the engines must agree, since both check specs.
   */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(86_400)
  HEALTH_CHECK_INTERVAL_MIN_S = 60;
}
