import { createParamDecorator, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Caller } from '../store/identity-state';
import type { RegionState } from '../store/region-state';
import { SimulatorStore } from '../store/simulator-store';
import { notFound, unauthorized } from './api-error';
import { baseUrlOf, type SimRequest } from './sim-request';

/**
 * keystonemiddleware's job: every cloud API call needs a valid project-scoped X-Auth-Token and
 * acts in that token's project. A `:region` in the route must name a seeded region; an unknown
 * one is an endpoint that does not exist (404).
 */
@Injectable()
export class TokenGuard implements CanActivate {
  constructor(private readonly store: SimulatorStore) {}

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<SimRequest>();
    let region: RegionState | null = null;
    const regionName = req.params.region;
    if (typeof regionName === 'string') {
      region = this.store.regions.get(regionName) ?? null;
      if (!region) throw notFound('The resource could not be found.');
    }
    const token = req.headers['x-auth-token'];
    const caller = typeof token === 'string' ? this.store.identity.caller(token, Date.now()) : null;
    if (!caller) throw unauthorized();
    req.api = { caller, region, baseUrl: baseUrlOf(req, this.store.url) };
    return true;
  }
}

/** The checked caller and region of a `/<region>/…` route guarded by TokenGuard. */
export interface RegionApi {
  caller: Caller;
  region: RegionState;
  baseUrl: string;
}

export const Api = createParamDecorator((_: unknown, ctx: ExecutionContext): RegionApi => {
  const api = ctx.switchToHttp().getRequest<SimRequest>().api;
  if (!api?.region) throw new Error('@Api() needs TokenGuard on a route with a :region parameter');
  return { caller: api.caller, region: api.region, baseUrl: api.baseUrl };
});

/** The checked caller of a route guarded by TokenGuard. */
export const CallerOf = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  const api = ctx.switchToHttp().getRequest<SimRequest>().api;
  if (!api) throw new Error('@CallerOf() needs TokenGuard');
  return api.caller;
});
