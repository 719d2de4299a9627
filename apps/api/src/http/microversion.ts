import { type CanActivate, type ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { MethodVersionNotFound } from '@grove/core';
import type { GroveRequest } from './grove-request';

export interface ApiVersion {
  major: number;
  minor: number;
}

export const MIN_VERSION: ApiVersion = { major: 1, minor: 0 };
/**
 * Senlin's microversions end at 1.14. Grove's additions (previews, signed and idempotent webhooks,
 * scale-in protection) come at 1.15; nothing below it changes.
 */
export const MAX_VERSION: ApiVersion = { major: 1, minor: 15 };
/** The first microversion with Grove's additions. */
export const GROVE_EXTENSIONS = '1.15';
/** What a request without the header gets (openstacksdk and Heat send none). */
export const DEFAULT_VERSION = MIN_VERSION;

export const versionString = (v: ApiVersion): string => `${v.major}.${v.minor}`;

export const compareVersions = (a: ApiVersion, b: ApiVersion): number => a.major - b.major || a.minor - b.minor;

/** True when the request's microversion is at least `min` ("1.6"). */
export const atLeast = (v: ApiVersion, min: string): boolean => {
  const [major, minor] = min.split('.').map(Number);
  return compareVersions(v, { major, minor }) >= 0;
};

/** `1.12` → {1, 12}; null when malformed. `latest` is handled by the caller. */
export function parseVersion(s: string): ApiVersion | null {
  const m = /^([1-9]\d*)\.([1-9]\d*|0)$/.exec(s.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : null;
}

/** The clustering entry of `OpenStack-API-Version` (it may list several services). */
export function clusteringHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const [service, version] = part.trim().split(/\s+/);
    if (service?.toLowerCase() === 'clustering' && version) return version;
  }
  return undefined;
}

const MIN_VERSION_KEY = Symbol('grove:min-version');

/** The operation exists from this microversion on; below it the answer is 400 MethodVersionNotFound. */
export const MinVersion = (v: string) => SetMetadata(MIN_VERSION_KEY, v);

@Injectable()
export class MinVersionGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const min = this.reflector.get<string | undefined>(MIN_VERSION_KEY, context.getHandler());
    if (!min) return true;
    const req = context.switchToHttp().getRequest<GroveRequest>();
    if (!atLeast(req.apiVersion, min)) throw new MethodVersionNotFound(versionString(req.apiVersion));
    return true;
  }
}
