import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import {
  CloudAuthError,
  Forbidden,
  HTTPBadRequest,
  InvalidGlobalAPIVersion,
  newId,
  ServiceUnavailable,
  type ApiConfig,
  type RequestContext,
} from '@grove/core';
import type { GroveRequest } from './grove-request';
import {
  clusteringHeader,
  compareVersions,
  DEFAULT_VERSION,
  MAX_VERSION,
  MIN_VERSION,
  parseVersion,
  versionString,
} from './microversion';

import { API_CONFIG, TokenAuth } from './token-auth';
import { isWebhookTrigger } from './webhook-path';

export { API_CONFIG };

const VERSION_LIST = new Set(['/', '/versions', '/versions/']);
/** Served to anyone with Keystone in front too: the version list, and webhook triggers (the URL is the credential). */
const PUBLIC = (path: string) => VERSION_LIST.has(path) || isWebhookTrigger(path);

/** Identity headers and the columns they are stored in (varchar(64), as Keystone's ids are at most 64). */
const IDENTITY_HEADERS = ['x-user-id', 'x-project-id', 'x-tenant-id', 'x-project-domain-id', 'x-domain-id'];
const IDENTITY_MAX = 64;

const header = (req: GroveRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

const canonical = (name: string) =>
  name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());

/**
 * Who is asking. With AUTH_MODE=keystone, from the X-Auth-Token Keystone validates (user,
 * project, its domain, roles); a request without a valid one gets keystonemiddleware's 401. In
 * noauth mode, from the headers Keystone's middleware would set (X-Project-Id, X-User-Id,
 * X-Roles), and requests without them belong to the configured default project. Also the request
 * id, and the microversion negotiated from `OpenStack-API-Version: clustering X.Y`.
 */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  constructor(
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    private readonly tokens: TokenAuth,
  ) {}

  async use(req: GroveRequest, res: Response, next: NextFunction): Promise<void> {
    // pino-http gave the request its id (and every log line in it); reuse it.
    const requestId =
      typeof (req as { id?: unknown }).id === 'string' ? ((req as { id?: string }).id as string) : `req-${newId()}`;
    res.setHeader('X-OpenStack-Request-ID', requestId);
    // Keystone never issues a longer id, so one names nobody; refused on reads too, as that is simpler.
    for (const name of IDENTITY_HEADERS) {
      if ((header(req, name)?.length ?? 0) > IDENTITY_MAX)
        throw new HTTPBadRequest(`The ${canonical(name)} header must be at most ${IDENTITY_MAX} characters long.`);
    }
    const path = req.originalUrl.split('?')[0];
    if (!this.tokens.enabled) req.ctx = this.fromHeaders(req, requestId);
    else if (PUBLIC(path)) req.ctx = this.anonymous(requestId);
    else {
      const ctx = await this.fromToken(req, requestId);
      if (!ctx) return this.unauthorized(res);
      req.ctx = ctx;
    }
    req.maxListLimit = this.cfg.MAX_LIST_LIMIT;
    // The version list is served before negotiation (Senlin's versions app): any header is fine there.
    req.apiVersion = VERSION_LIST.has(req.originalUrl.split('?')[0]) ? DEFAULT_VERSION : this.negotiate(req);
    // Successful versioned responses echo the version; the error filter strips these again.
    res.setHeader('OpenStack-API-Version', `clustering ${versionString(req.apiVersion)}`);
    res.setHeader('Vary', 'OpenStack-API-Version');
    next();
  }

  private fromHeaders(req: GroveRequest, requestId: string): RequestContext {
    const roles = (header(req, 'x-roles') ?? '')
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean);
    const effectiveRoles = roles.length ? roles : this.cfg.DEFAULT_ROLES;
    return {
      requestId,
      userId: header(req, 'x-user-id') ?? this.cfg.DEFAULT_USER_ID,
      projectId: header(req, 'x-project-id') ?? header(req, 'x-tenant-id') ?? this.cfg.DEFAULT_PROJECT_ID,
      domainId: header(req, 'x-project-domain-id') ?? header(req, 'x-domain-id') ?? null,
      roles: effectiveRoles,
      isAdmin: effectiveRoles.map((r) => r.toLowerCase()).includes('admin'),
    };
  }

  /** A public route's caller: nobody (a webhook acts as its receiver's owner). */
  private anonymous(requestId: string): RequestContext {
    return { requestId, userId: '', projectId: '', domainId: null, roles: [], isAdmin: false };
  }

  /** The identity of a valid project-scoped token; null when there is no valid token (a 401). */
  private async fromToken(req: GroveRequest, requestId: string): Promise<RequestContext | null> {
    const token = header(req, 'x-auth-token');
    if (!token || token.length > 8192) return null;
    const who = await this.tokens.validate(token).catch((e: unknown) => {
      throw new ServiceUnavailable(`Keystone could not validate the token: ${(e as Error).message}`);
    });
    if (!who) return null;
    if (!who.projectId) throw new Forbidden('Grove needs a project-scoped token.');
    const read = req.method === 'GET' || req.method === 'HEAD';
    await this.tokens
      .ensureTrust(token, { ...who, projectId: who.projectId }, { recheck: !read })
      .catch((e: unknown) => {
        // A read needs no trust; anything that may reach the cloud does, and says why it failed.
        if (read) return;
        if (e instanceof CloudAuthError) throw new Forbidden(`Grove cannot act for this user: ${e.message}`);
        throw new ServiceUnavailable(`Keystone could not make the user's trust for Grove: ${(e as Error).message}`);
      });
    return {
      requestId,
      userId: who.userId,
      projectId: who.projectId,
      domainId: who.projectDomainId,
      roles: who.roles,
      isAdmin: who.roles.map((r) => r.toLowerCase()).includes('admin'),
    };
  }

  /** keystonemiddleware's answer to a missing, expired or revoked token. */
  private unauthorized(res: Response): void {
    res.setHeader('WWW-Authenticate', `Keystone uri="${this.tokens.authUri}"`);
    res.status(401).json({
      error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' },
    });
  }

  private negotiate(req: GroveRequest) {
    const raw = clusteringHeader(header(req, 'openstack-api-version'));
    if (raw === undefined) return DEFAULT_VERSION;
    if (raw.toLowerCase() === 'latest') return MAX_VERSION;
    const v = parseVersion(raw);
    if (!v)
      throw new HTTPBadRequest(`API Version String '${raw}' is of invalid format. It must be of format 'major.minor'.`);
    if (compareVersions(v, MIN_VERSION) < 0 || compareVersions(v, MAX_VERSION) > 0) {
      throw new InvalidGlobalAPIVersion(raw, versionString(MIN_VERSION), versionString(MAX_VERSION));
    }
    return v;
  }
}
