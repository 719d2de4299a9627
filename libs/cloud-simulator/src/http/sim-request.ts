import type { Request } from 'express';
import type { Caller } from '../store/identity-state';
import type { RegionState } from '../store/region-state';
import type { ServiceName } from './api-error';

/** What a cloud API handler knows about its request once the token is checked. */
export interface ApiContext {
  caller: Caller;
  /** The region of a `/<region>/…` route; null on routes without one (identity). */
  region: RegionState | null;
  /** `http://host:port` as the client addressed the simulator, for links and the catalog. */
  baseUrl: string;
}

/** An Express request as the simulator's middleware leaves it. */
export interface SimRequest extends Request {
  simService: ServiceName;
  api?: ApiContext;
}

/** The simulator as the client addressed it (the Host header), so that links work behind any name. */
export function baseUrlOf(req: Request, fallback: string): string {
  const host = req.headers.host;
  return host ? `${req.protocol}://${host}` : fallback;
}
