import { Expose, Transform } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsBoolean,
  IsDefined,
  IsInstance,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { MAX_ACTION_TIMEOUT_S } from '../clock';
import { CommonConfig } from './common-config';
import { Secret } from '../secret';
import { EmptyAsUnset, ToBoolean, ToNumber, ToSecret } from './load-config';

/** The KEYSTONE_* settings are needed in keystone mode, and checked whenever they are given. */
const forKeystone = (o: ApiConfig, v: unknown) => o.AUTH_MODE === 'keystone' || v !== undefined;

export class ApiConfig extends CommonConfig {
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(65535)
  API_PORT = 8777;

  /**
   * The address the api listens on. Unset: 127.0.0.1 in noauth mode (anyone who reaches it may
   * claim to be anyone), every address with Keystone in front (see listenHostOf).
   */
  @Expose()
  @EmptyAsUnset()
  @IsOptional()
  @IsString()
  API_HOST?: string;

  /** Keystone v3 that validates tokens, e.g. https://keystone.example.com/v3, and Grove's service user there. */
  @Expose()
  @EmptyAsUnset()
  @ValidateIf(forKeystone)
  @IsDefined()
  @Matches(/^https?:\/\//, { message: 'must be an http(s):// URL' })
  KEYSTONE_AUTH_URL?: string;

  @Expose()
  @EmptyAsUnset()
  @ValidateIf(forKeystone)
  @IsDefined()
  @IsString()
  KEYSTONE_USERNAME?: string;

  @Expose()
  @ToSecret()
  @ValidateIf(forKeystone)
  @IsDefined()
  @IsInstance(Secret)
  KEYSTONE_PASSWORD?: Secret;

  @Expose()
  @IsString()
  KEYSTONE_PROJECT_NAME = 'service';

  @Expose()
  @IsString()
  KEYSTONE_USER_DOMAIN_NAME = 'Default';

  @Expose()
  @IsString()
  KEYSTONE_PROJECT_DOMAIN_NAME = 'Default';

  /** The region `npm run register-endpoint` puts Grove's endpoints in. */
  @Expose()
  @IsString()
  KEYSTONE_REGION_NAME = 'RegionOne';

  /**
   * How long a validated token (or a refused one) is taken on trust before Keystone is asked
   * again, in seconds; never past the token's expiry. keystonemiddleware's token_cache_time, 300.
   * A revoked token is refused within this long.
   */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(3600)
  KEYSTONE_TOKEN_CACHE_S = 300;

  /**
   * Public base URL of the api as clients reach it (used in Location headers and webhook URLs),
   * e.g. https://clustering.example.com. Unset: taken from each request's Host header.
   */
  @Expose()
  @EmptyAsUnset()
  @IsOptional()
  @Matches(/^https?:\/\/[^/]+$/, { message: 'must be http(s)://host[:port] without a path' })
  API_PUBLIC_URL?: string;

  /** Project of requests that carry no X-Project-Id (there is no Keystone in front yet). */
  @Expose()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'must be 1-64 letters, digits, dashes or underscores' })
  DEFAULT_PROJECT_ID = 'default';

  @Expose()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'must be 1-64 letters, digits, dashes or underscores' })
  DEFAULT_USER_ID = 'default';

  /** Roles of requests that carry no X-Roles; `admin` makes them admins. */
  @Expose()
  @Transform(({ obj }) =>
    String(obj.DEFAULT_ROLES ?? 'member')
      .split(',')
      .map((r: string) => r.trim())
      .filter(Boolean),
  )
  @ArrayNotEmpty()
  DEFAULT_ROLES: string[] = ['member'];

  /** Largest request body accepted; larger ones get a 400 (Senlin's max_json_body_size). */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(1024)
  @Max(64 * 1024 * 1024)
  MAX_JSON_BODY_BYTES = 1024 * 1024;

  /** How long the api waits for an engine to answer an RPC call before answering 503. */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(100)
  @Max(600_000)
  RPC_TIMEOUT_MS = 30_000;

  @Expose()
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(100_000)
  MAX_NODES_PER_CLUSTER = 1000;

  @Expose()
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(100_000)
  MAX_CLUSTERS_PER_PROJECT = 100;

  /** Refuse a second profile, cluster or node with the same name in a project (Senlin's name_unique). */
  @Expose()
  @ToBoolean()
  @IsBoolean()
  NAME_UNIQUE = false;

  /** Timeout of a cluster whose create request gives none (Senlin's default_action_timeout). */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(MAX_ACTION_TIMEOUT_S)
  DEFAULT_ACTION_TIMEOUT_S = 3600;

  /**
   * The largest page a list answers, and its size when the request gives no `limit` (a larger
   * limit is cut to this). Senlin has no such bound and lists everything by default.
   */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(100_000)
  MAX_LIST_LIMIT = 1000;

  /** Events older than this many days are deleted by a periodic purge; 0 keeps them forever. */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(36_500)
  EVENT_RETENTION_DAYS = 30;

  /** How often the api purges events older than EVENT_RETENTION_DAYS. */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(10)
  @Max(86_400)
  EVENT_PURGE_INTERVAL_S = 3600;

  /** GET /v1/services reports a service `down` when its heartbeat is older than this (Senlin's service_down_time). */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(1)
  SERVICE_DOWN_TIME_S = 60;

  /**
   * Base of webhook receivers' `alarm_url` (`<base>/webhooks/<id>/trigger?V=2…`), e.g.
   * https://clustering.example.com/v1 (`/v1` is appended when the URL has no `v1`; Senlin's
   * `[receiver] host/port`). Unset: API_PUBLIC_URL + `/v1`, else the Host the create request came to.
   */
  @Expose()
  @EmptyAsUnset()
  @IsOptional()
  @Matches(/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/, { message: 'must be an http(s) URL without query' })
  RECEIVER_BASE_URL?: string;

  /**
   * Where message receivers' channels say the broker is: `amqp(s)://host[:port][/vhost]`, without
   * credentials. Unset: AMQP_URL's host, port and vhost (its user and password are never shown).
   */
  @Expose()
  @EmptyAsUnset()
  @IsOptional()
  @Matches(/^amqps?:\/\/[^@/?#\s]+(\/[^?#\s]*)?$/, {
    message: 'must be amqp(s)://host[:port][/vhost] without credentials',
  })
  RECEIVER_BROKER_URL?: string;

  /** Signed webhooks: a trigger whose X-Grove-Timestamp is further than this from now is refused (401). */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(10)
  @Max(86_400)
  WEBHOOK_REPLAY_WINDOW_S = 300;

  /** A webhook trigger repeated with the same Idempotency-Key within this long returns the first one's action. */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(60)
  @Max(30 * 86_400)
  WEBHOOK_IDEMPOTENCY_TTL_S = 86_400;
}

/** Where the api listens: API_HOST, else loopback in noauth mode and every address behind Keystone. */
export function listenHostOf(cfg: ApiConfig): string {
  return cfg.API_HOST ?? (cfg.AUTH_MODE === 'noauth' ? '127.0.0.1' : '0.0.0.0');
}

/** Whether the api listens beyond this machine while believing identity headers: worth a warning. */
export function noauthExposed(cfg: ApiConfig): boolean {
  const host = listenHostOf(cfg);
  return cfg.AUTH_MODE === 'noauth' && !['127.0.0.1', '::1', 'localhost'].includes(host) && !host.startsWith('127.');
}
