import type { Request, Response } from 'express';
import { ApiError, badRequest } from '../http/api-error';

/** The newest compute microversion the simulator announces (version discovery says 2.96). */
export const MAX_MICROVERSION = 96;

/**
 * The compute microversion a request asks for, as its minor number (major is always 2):
 * `OpenStack-API-Version: compute 2.64` or `X-OpenStack-Nova-API-Version: 2.64`, `latest` for the
 * newest, 2.1 when neither is sent. Nova's 400 for a malformed one, 406 for one out of range.
 * Only the APIs whose shapes depend on it read it; the rest answer in 2.1 shapes.
 */
export function computeMicroversion(req: Request): number {
  const generic = req.header('openstack-api-version');
  const legacy = req.header('x-openstack-nova-api-version');
  const asked = generic?.match(/^\s*compute\s+(\S+)\s*$/i)?.[1] ?? legacy?.trim();
  if (!asked) return 1;
  if (asked === 'latest') return MAX_MICROVERSION;
  const m = asked.match(/^(\d+)\.(\d+)$/);
  if (!m) throw badRequest(`API Version String ${asked} is of invalid format. Must be of format MajorNum.MinorNum.`);
  const minor = Number(m[2]);
  if (m[1] !== '2' || minor < 1 || minor > MAX_MICROVERSION)
    throw new ApiError(
      406,
      `Version ${asked} is not supported by the API. Minimum is 2.1 and maximum is 2.${MAX_MICROVERSION}.`,
    );
  return minor;
}

/** The headers with which Nova says which microversion it answered in. */
export function answerMicroversion(res: Response, minor: number): void {
  res.setHeader('OpenStack-API-Version', `compute 2.${minor}`);
  res.setHeader('X-OpenStack-Nova-API-Version', `2.${minor}`);
  res.setHeader('Vary', 'OpenStack-API-Version, X-OpenStack-Nova-API-Version');
}
