import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { ApiConfig } from '@grove/core';
import { CredentialRepository } from '@grove/db';
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
 * KEYSTONE_* settings), answers cached for KEYSTONE_TOKEN_CACHE_S; and each user's trust to the
 * service user, made on their first request in a project, which the engine works through. In
 * noauth mode `enabled` is false and nothing is asked.
 */
@Injectable()
export class TokenAuth implements OnApplicationShutdown {
  private readonly validator: KeystoneTokenValidator | null;
  /** Keystone's address for the WWW-Authenticate header of a 401, as keystonemiddleware sends it. */
  readonly authUri: string;

  /**
   * Users known to have a trust recorded, for reads. A write looks again (one primary-key read):
   * an engine forgets a trust Keystone stopped honouring, and the user's next write makes a new one.
   */
  private readonly trusted = new LRUCache<string, Promise<void>>({ max: 10_000, ttl: 5 * 60_000 });

  constructor(
    @Inject(API_CONFIG) cfg: ApiConfig,
    private readonly credentials: CredentialRepository,
  ) {
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

  /**
   * Makes sure the token's user has a trust for Grove in the token's project, making it with the
   * token when there is none. Concurrent first requests of one user share the work.
   */
  ensureTrust(token: string, who: TokenIdentity & { projectId: string }, o: { recheck: boolean }): Promise<void> {
    const key = `${who.userId}/${who.projectId}`;
    let done = this.trusted.get(key);
    if (!done || o.recheck) {
      done = this.makeTrust(token, who);
      this.trusted.set(key, done);
      done.catch(() => this.trusted.delete(key));
    }
    return done;
  }

  private async makeTrust(token: string, who: TokenIdentity & { projectId: string }): Promise<void> {
    if (await this.credentials.trustOf(who.userId, who.projectId)) return;
    const trustId = await this.validator!.createTrust(token, who);
    await this.credentials.record(who.userId, who.projectId, trustId);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.validator?.close();
  }
}
