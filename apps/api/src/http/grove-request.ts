import type { Request } from 'express';
import type { RequestContext } from '@grove/core';
import type { ApiVersion } from './microversion';

/** An Express request after Grove's middleware: who asks, and at which microversion. */
export interface GroveRequest extends Request {
  ctx: RequestContext;
  apiVersion: ApiVersion;
  /** The largest page a list answers (MAX_LIST_LIMIT), also its size when no limit is given. */
  maxListLimit: number;
}
