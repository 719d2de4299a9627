import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { ApiConfig } from '@grove/core';
import { KeystoneTokenValidator, type CloudCredentials, type TokenIdentity } from '@grove/drivers';

export const API_CONFIG = Symbol('API_CONFIG');

/** Grove's service user in Keystone, from the KEYSTONE_* settings (keystone mode checked them). */
export function keystoneServiceUser(cfg: ApiConfig): CloudCredentials {
  return {
    authUrl: cfg.KEYSTONE_AUTH_URL!,
    username: cfg.KEYSTONE_USERNAME!,
    password: cfg.KEYSTONE_PASSWORD!,
    projectName: cfg.KEYSTONE_PROJECT_NAME,
    userDomainName: cfg.KEYSTONE_USER_DOMAIN_NAME,
    projectDomainName: cfg.KEYSTONE_PROJECT_DOMAIN_NAME,
    interface: 'public',
  };
}

/**
 * AUTH_MODE=keystone: users' tokens validated by Keystone under Grove's service user (the
 * KEYSTONE_* settings), answers cached for KEYSTONE_TOKEN_CACHE_S. In noauth mode `enabled` is
 * false and nothing is asked.
 */
@Injectable()
export class TokenAuth implements OnApplicationShutdown {
  private readonly validator: KeystoneTokenValidator | null;
  /** Keystone's address for the WWW-Authenticate header of a 401, as keystonemiddleware sends it. */
  readonly authUri: string;

  constructor(@Inject(API_CONFIG) cfg: ApiConfig) {
    this.authUri = (cfg.KEYSTONE_AUTH_URL ?? '').replace(/\/v3\/?$/, '');
    this.validator =
      cfg.AUTH_MODE === 'keystone'
        ? new KeystoneTokenValidator({ credentials: keystoneServiceUser(cfg), cacheS: cfg.KEYSTONE_TOKEN_CACHE_S })
        : null;
  }

  get enabled(): boolean {
    return this.validator !== null;
  }

  /** The token's identity, or null when Keystone does not take it. */
  validate(token: string): Promise<TokenIdentity | null> {
    if (!this.validator) throw new Error('token validation is off in noauth mode');
    return this.validator.validate(token);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.validator?.close();
  }
}
