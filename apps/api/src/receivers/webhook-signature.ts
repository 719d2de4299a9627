import { createHmac, timingSafeEqual } from 'node:crypto';
import { HTTPUnauthorized } from '@grove/core';

export const TIMESTAMP_HEADER = 'x-grove-timestamp';
export const SIGNATURE_HEADER = 'x-grove-signature';

/** `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`: what a signed trigger carries. */
export function signature(secret: string, timestamp: string, body: Buffer | string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
  return `sha256=${mac}`;
}

/**
 * Checks a signed webhook's trigger: both headers there, the timestamp within `windowS` of now,
 * the signature the receiver's secret makes of it and the raw body (compared in constant time).
 * Returns the signature's hex, by which a replay within the window is recognised.
 */
export function checkSignature(
  secret: string,
  given: { timestamp?: string; signature?: string; body: Buffer },
  windowS: number,
  nowMs = Date.now(),
): string {
  const { timestamp, signature: sig } = given;
  if (!timestamp || !sig) {
    throw new HTTPUnauthorized('This webhook is signed: send X-Grove-Timestamp and X-Grove-Signature.');
  }
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowMs / 1000 - Number(timestamp)) > windowS) {
    throw new HTTPUnauthorized(`The X-Grove-Timestamp is not within ${windowS} seconds of now.`);
  }
  const hex = /^sha256=([0-9a-f]{64})$/i.exec(sig.trim())?.[1]?.toLowerCase();
  const expected = Buffer.from(signature(secret, timestamp, given.body).slice('sha256='.length), 'hex');
  if (!hex || !timingSafeEqual(Buffer.from(hex, 'hex'), expected)) {
    throw new HTTPUnauthorized('The X-Grove-Signature does not match the request.');
  }
  return hex;
}
