import type { Secret } from '@grove/core';

/** A password credential for Keystone v3, as every OpenStack client takes it. */
export interface CloudCredentials {
  authUrl: string;
  username: string;
  password: Secret;
  projectName: string;
  userDomainName: string;
  projectDomainName: string;
  interface: 'public' | 'internal' | 'admin';
  insecure?: boolean;
}

export interface CatalogEndpoint {
  interface: string;
  region: string;
  url: string;
}

export interface CatalogService {
  type: string;
  name?: string;
  endpoints: CatalogEndpoint[];
}

/** What an authentication gave: the token (kept secret), its scope and the service catalog. */
export interface AuthToken {
  token: Secret;
  expiresAt: Date;
  projectId: string;
  userId: string;
  catalog: CatalogService[];
}

/** A Keystone session: a reusable token and the endpoints of the cloud's services. */
export interface IdentityDriver {
  /** A valid token, reused until it nears expiry; concurrent callers share one authentication. */
  token(signal?: AbortSignal): Promise<AuthToken>;
  /** Forgets a token a service refused, so that the next call authenticates again. */
  invalidate(token: AuthToken): void;
  /** The URL of a service type in a region, from the catalog. Throws CloudAuthError if absent. */
  endpoint(serviceType: string, region: string, signal?: AbortSignal): Promise<string>;
  /** Region names known to the catalog (for region placement checks). */
  regions(signal?: AbortSignal): Promise<string[]>;
}
