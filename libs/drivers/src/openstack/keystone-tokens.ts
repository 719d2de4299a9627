import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { CloudAuthError } from '@grove/core';
import { errorMessage, JsonHttp } from '../http/json-http';
import type { CloudCredentials } from '../identity/identity.driver';
import { KeystoneDriver } from './keystone.driver';

/** Who a valid token speaks for, as Keystone's token body says. */
export interface TokenIdentity {
  userId: string;
  userName: string;
  /** Null for a token scoped to no project (unscoped, domain or system scope). */
  projectId: string | null;
  projectName: string | null;
  /** The project's domain. */
  projectDomainId: string | null;
  roles: string[];
  expiresAt: Date;
}

interface ValidatedBody {
  token: {
    expires_at: string;
    user: { id: string; name: string };
    project?: { id: string; name: string; domain?: { id: string } };
    roles?: { name: string }[];
  };
}

export interface TokenValidatorOptions {
  credentials: CloudCredentials;
  /** How long an answer (valid or not) is reused, in seconds; never past the token's expiry. */
  cacheS: number;
  timeoutMs?: number;
  /** Tokens remembered at most; a flood of different bad tokens cannot grow memory past this. */
  maxEntries?: number;
}

/**
 * Validates users' tokens with Keystone (GET /v3/auth/tokens, as keystonemiddleware does) under
 * Grove's service token, and remembers each answer for a while, keyed by the token's hash so that
 * the cache holds no token. A refused token is remembered too: a token never becomes valid later.
 * Keystone unreachable, or refusing the service user, is a CloudAuthError or a transient error
 * (the api answers 503), not a refusal of the user's token.
 */
export class KeystoneTokenValidator {
  private readonly service: KeystoneDriver;
  private readonly http: JsonHttp;
  private readonly cache: LRUCache<string, { identity: TokenIdentity | null }>;

  constructor(private readonly o: TokenValidatorOptions) {
    const http = new JsonHttp({
      service: 'Keystone',
      timeoutMs: o.timeoutMs ?? 10_000,
      retries: 2,
      maxConnections: 16,
      insecure: o.credentials.insecure,
    });
    this.http = http;
    this.service = new KeystoneDriver(o.credentials, http);
    this.cache = new LRUCache({ max: o.maxEntries ?? 10_000, ttlAutopurge: false });
  }

  /** The token's identity, or null when Keystone says it is not valid (unknown, expired, revoked). */
  async validate(token: string): Promise<TokenIdentity | null> {
    const key = createHash('sha256').update(token).digest('base64url');
    const known = this.cache.get(key);
    if (known) return known.identity;
    const identity = await this.ask(token);
    const untilExpiry = identity ? identity.expiresAt.getTime() - Date.now() : Infinity;
    const ttl = Math.min(this.o.cacheS * 1000, untilExpiry);
    if (ttl > 0) this.cache.set(key, { identity }, { ttl });
    return identity;
  }

  private async ask(token: string, retried = false): Promise<TokenIdentity | null> {
    const service = await this.service.token();
    const res = await this.http.request<ValidatedBody>({
      method: 'GET',
      url: `${this.o.credentials.authUrl.replace(/\/+$/, '')}/auth/tokens?nocatalog`,
      headers: { 'X-Auth-Token': service.token.reveal(), 'X-Subject-Token': token },
      expect: [401, 403, 404],
    });
    if (res.status === 404) return null;
    if (res.status === 401 || res.status === 403) {
      // Our own token was refused (it may just have been revoked): once more with a fresh one.
      this.service.invalidate(service);
      if (!retried) return this.ask(token, true);
      throw new CloudAuthError(`Keystone refused Grove's service user '${this.o.credentials.username}'`, 401);
    }
    const t = res.body?.token;
    if (!t?.user?.id || !t.expires_at) return null;
    const expiresAt = new Date(t.expires_at);
    if (!(expiresAt.getTime() > Date.now())) return null;
    return {
      userId: t.user.id,
      userName: t.user.name,
      projectId: t.project?.id ?? null,
      projectName: t.project?.name ?? null,
      projectDomainId: t.project?.domain?.id ?? null,
      roles: (t.roles ?? []).map((r) => r.name),
      expiresAt,
    };
  }

  /**
   * Makes the trust the engine works through (Senlin's trust flow): from the token's user, in its
   * project and with its roles, to Grove's service user, impersonating the user so that the cloud
   * sees the user (their keypairs, their quota). Only the user's own token can make it. Returns
   * the trust's id; a CloudAuthError with Keystone's reason when Keystone refuses.
   */
  async createTrust(token: string, who: TokenIdentity): Promise<string> {
    const service = await this.service.token();
    const res = await this.http.request<{ trust?: { id?: string } }>({
      method: 'POST',
      url: `${this.o.credentials.authUrl.replace(/\/+$/, '')}/OS-TRUST/trusts`,
      headers: { 'X-Auth-Token': token },
      body: {
        trust: {
          trustor_user_id: who.userId,
          trustee_user_id: service.userId,
          project_id: who.projectId,
          impersonation: true,
          roles: who.roles.map((name) => ({ name })),
        },
      },
      expect: [400, 401, 403, 404],
    });
    if (res.status !== 201 && res.status !== 200) {
      throw new CloudAuthError(
        `Keystone would not let user ${who.userId} delegate to Grove (${res.status}): ${errorMessage(res.body)}`,
        res.status,
      );
    }
    const id = res.body?.trust?.id;
    if (typeof id !== 'string') throw new CloudAuthError('Keystone: the trust it made has no id');
    return id;
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}
