import { Expose } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsIn,
  IsInstance,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { Secret } from '../secret';
import { CommonConfig } from './common-config';
import { EmptyAsUnset, ToBoolean, ToNumber, ToSecret } from './load-config';

/** How the engine reaches the cloud: a Keystone v3 URL and a password credential, like any OpenStack client. */
export class CloudConfig extends CommonConfig {
  /** Keystone v3, e.g. https://keystone.example.com/v3. Unset in all-in-one mode: the in-process simulator is used. */
  @Expose()
  @EmptyAsUnset()
  @IsDefined({ groups: ['split', 'cloud'] })
  @IsOptional()
  @Matches(/^https?:\/\//, { message: 'must be an http(s):// URL' })
  CLOUD_AUTH_URL?: string;

  @Expose()
  @IsString()
  CLOUD_USERNAME = 'admin';

  @Expose()
  @ToSecret()
  @IsDefined({ groups: ['split', 'cloud'] })
  @IsOptional()
  @IsInstance(Secret)
  CLOUD_PASSWORD?: Secret;

  @Expose()
  @IsString()
  CLOUD_PROJECT_NAME = 'admin';

  @Expose()
  @IsString()
  CLOUD_USER_DOMAIN_NAME = 'Default';

  @Expose()
  @IsString()
  CLOUD_PROJECT_DOMAIN_NAME = 'Default';

  @Expose()
  @IsString()
  CLOUD_REGION_NAME = 'RegionOne';

  @Expose()
  @IsIn(['public', 'internal', 'admin'])
  CLOUD_INTERFACE: 'public' | 'internal' | 'admin' = 'public';

  /** Accept self-signed TLS certificates from the cloud (never in production). */
  @Expose()
  @ToBoolean()
  @IsBoolean()
  CLOUD_INSECURE = false;

  /** One HTTP request to the cloud may take this long before it is abandoned (and retried if safe). */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(100)
  CLOUD_REQUEST_TIMEOUT_MS = 60_000;

  /** Retries of a failed idempotent cloud request (connection errors, 5xx, 429). */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(10)
  CLOUD_RETRIES = 3;

  /** First interval between status polls of a resource being built; it doubles up to CLOUD_POLL_MAX_MS. */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(10)
  CLOUD_POLL_MIN_MS = 100;

  @Expose()
  @ToNumber()
  @IsInt()
  @Min(10)
  CLOUD_POLL_MAX_MS = 5_000;

  /** Connections kept open to each cloud endpoint; at least ENGINE_CONCURRENCY, or requests queue for one. */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(4096)
  CLOUD_MAX_CONNECTIONS = 512;
}
