import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import { HTTPBadRequest, InvalidGlobalAPIVersion, newId, type ApiConfig } from '@grove/core';
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

export const API_CONFIG = Symbol('API_CONFIG');

const VERSION_LIST = new Set(['/', '/versions', '/versions/']);

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
 * Who is asking, from the headers Keystone's middleware sets (X-Project-Id, X-User-Id, X-Roles);
 * requests without them belong to the configured default project. Also the request id, and the
 * microversion negotiated from `OpenStack-API-Version: clustering X.Y`.
 */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  constructor(@Inject(API_CONFIG) private readonly cfg: ApiConfig) {}

  use(req: GroveRequest, res: Response, next: NextFunction): void {
    // pino-http gave the request its id (and every log line in it); reuse it.
    const requestId =
      typeof (req as { id?: unknown }).id === 'string' ? ((req as { id?: string }).id as string) : `req-${newId()}`;
    res.setHeader('X-OpenStack-Request-ID', requestId);
    // Keystone never issues a longer id, so one names nobody; refused on reads too, as that is simpler.
    for (const name of IDENTITY_HEADERS) {
      if ((header(req, name)?.length ?? 0) > IDENTITY_MAX)
        throw new HTTPBadRequest(`The ${canonical(name)} header must be at most ${IDENTITY_MAX} characters long.`);
    }
    const roles = (header(req, 'x-roles') ?? '')
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean);
    const effectiveRoles = roles.length ? roles : this.cfg.DEFAULT_ROLES;
    req.ctx = {
      requestId,
      userId: header(req, 'x-user-id') ?? this.cfg.DEFAULT_USER_ID,
      projectId: header(req, 'x-project-id') ?? header(req, 'x-tenant-id') ?? this.cfg.DEFAULT_PROJECT_ID,
      domainId: header(req, 'x-project-domain-id') ?? header(req, 'x-domain-id') ?? null,
      roles: effectiveRoles,
      isAdmin: effectiveRoles.map((r) => r.toLowerCase()).includes('admin'),
    };
    req.maxListLimit = this.cfg.MAX_LIST_LIMIT;
    // The version list is served before negotiation (Senlin's versions app): any header is fine there.
    req.apiVersion = VERSION_LIST.has(req.originalUrl.split('?')[0]) ? DEFAULT_VERSION : this.negotiate(req);
    // Successful versioned responses echo the version; the error filter strips these again.
    res.setHeader('OpenStack-API-Version', `clustering ${versionString(req.apiVersion)}`);
    res.setHeader('Vary', 'OpenStack-API-Version');
    next();
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
