import { Expose } from 'class-transformer';
import { IsDefined, IsIn, IsInstance, IsInt, IsOptional, Matches, Max, Min, ValidateBy } from 'class-validator';
import { Secret } from '../secret';
import { EmptyAsUnset, ToNumber, ToSecret } from './load-config';
import { LoggingConfig } from './logging-config';

/**
 * SERVICE_DEAD_AFTER_S must leave room for two missed heartbeats: a process stops its own work
 * once its last heartbeat is older than dead-after minus one interval, and that must come well
 * after a single slow beat.
 */
const WellAboveHeartbeat = () =>
  ValidateBy({
    name: 'wellAboveHeartbeat',
    validator: {
      validate: (v, args) => typeof v !== 'number' || v >= 3 * (args?.object as CommonConfig).HEARTBEAT_INTERVAL_S,
      defaultMessage: (args) =>
        `must be at least three times HEARTBEAT_INTERVAL_S (${(args?.object as CommonConfig).HEARTBEAT_INTERVAL_S}), so that a process stops its work before others may take it over`,
    },
  });

export const AUTH_MODES = ['noauth', 'keystone'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/** Settings every Grove process reads. */
export class CommonConfig extends LoggingConfig {
  /**
   * Who a request is from and whose rights cloud work uses. `keystone`: the api validates each
   * X-Auth-Token with Keystone and keeps a trust from each user to Grove's service user; the
   * engine works in the owner's project through it (CLOUD_* then names that same service user).
   * `noauth` (the all-in-one default): the api believes the X-Project-Id / X-User-Id / X-Roles
   * headers, and the engine works as the CLOUD_* account.
   */
  @Expose()
  @IsIn(AUTH_MODES)
  AUTH_MODE: AuthMode = 'noauth';

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
  @WellAboveHeartbeat()
  SERVICE_DEAD_AFTER_S = 20;

  /** Postgres ends any statement of Grove's that runs longer than this (statement_timeout). */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  DATABASE_STATEMENT_TIMEOUT_MS = 30_000;

  /** A statement of Grove's waits at most this long for a row or table lock (lock_timeout). */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  DATABASE_LOCK_TIMEOUT_MS = 10_000;

  /**
   * Postgres ends a session of Grove's whose transaction sits idle this long
   * (idle_in_transaction_session_timeout): a paused process must not hold row locks others wait on.
   */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS = 10_000;

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
   * The key (32 bytes, base64: `openssl rand -base64 32`) that seals secrets at rest in Postgres:
   * profile specs' passwords, user_data and hidden Heat parameters, signed webhooks' secrets. Every
   * api and engine must have the same one. All-in-one mode makes one in GROVE_DATA_DIR.
   */
  @Expose()
  @ToSecret()
  @IsDefined({ groups: ['split'] })
  @IsOptional()
  @IsInstance(Secret)
  @ValidateBy({
    name: 'isSealingKey',
    validator: {
      validate: (v: unknown) => v instanceof Secret && Buffer.from(v.reveal(), 'base64').length === 32,
      defaultMessage: () => 'must be 32 bytes, base64-encoded (openssl rand -base64 32)',
    },
  })
  GROVE_SECRET_KEY?: Secret;

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

/** The session bounds of DATABASE_*_TIMEOUT_MS, as createDataSource takes them. */
export const sessionTimeoutsOf = (c: CommonConfig) => ({
  statementMs: c.DATABASE_STATEMENT_TIMEOUT_MS,
  lockMs: c.DATABASE_LOCK_TIMEOUT_MS,
  idleInTransactionMs: c.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
});
