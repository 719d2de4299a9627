import type { Response } from 'express';
import type { GroveRequest } from './grove-request';

/** The api's base URL as the client reached it (or as configured in API_PUBLIC_URL). */
export function baseUrl(req: GroveRequest, publicUrl?: string): string {
  if (publicUrl) return publicUrl;
  const proto = (req.headers['x-forwarded-proto'] as string | undefined)?.split(',')[0] ?? req.protocol;
  return `${proto}://${req.headers.host ?? 'localhost'}`;
}

/** 202 answers point at their action with an absolute Location, as WebOb sends it; clients take the last segment. */
export function locateAction(req: GroveRequest, res: Response, actionId: string, publicUrl?: string): void {
  res.location(`${baseUrl(req, publicUrl)}/v1/actions/${actionId}`);
}
