import { isUuid } from '@grove/core';
import { badRequest, conflict, forbidden, notFound } from '../http/api-error';
import { parseIpv4 } from '../store/ip-pool';

/** A request body field by field, as Octavia's WSME types check it. */
export type Body = Record<string, unknown>;

const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);

/** WSME's words for a field it refused. */
export const invalidInput = (field: string, value: unknown, why: string) =>
  badRequest(
    `Invalid input for field/attribute ${field}. Value: '${value === undefined ? 'None' : String(value)}'. ${why}`,
  );

/** Octavia's ValidationException. */
export const validationFailure = (detail: string) => badRequest(`Validation failure: ${detail}`);

/** Octavia's NotFound: `Load Balancer <id> not found.` */
export const lbNotFound = (kind: string, id: string) => notFound(`${kind} ${id} not found.`);

/** Octavia's InvalidSubresource: a 400 worded like a 404, for a VIP network or subnet that is not there. */
export const invalidSubresource = (kind: string, id: string) => badRequest(`${kind} ${id} not found.`);

/** Octavia's ImmutableObject: the object is busy with another change (or broken). */
export const immutable = (kind: string, id: string) => conflict(`${kind} ${id} is immutable and cannot be updated.`);

/** What Octavia's policy enforcement answers a project reaching another project's object. */
export const policyForbidden = () => forbidden('Policy does not allow this request to be performed.');

/** `{"<key>": {...}}`: the envelope every Octavia create takes. */
export function envelope(body: unknown, key: string): Body {
  const inner = isObject(body) ? body[key] : undefined;
  if (!isObject(inner)) throw invalidInput(key, inner, 'Mandatory field missing.');
  return inner;
}

/** How Python would name a JSON value's type, as WSME's messages do. */
const pyType = (v: unknown): string =>
  `<class '${typeof v === 'number' ? (Number.isInteger(v) ? 'int' : 'float') : typeof v === 'boolean' ? 'bool' : Array.isArray(v) ? 'list' : 'dict'}'>`;

const missing = (b: Body, field: string) => b[field] === undefined || b[field] === null;

export function text(b: Body, field: string, o: { max?: number } = {}): string {
  if (missing(b, field)) return '';
  const v = b[field];
  if (typeof v !== 'string') throw invalidInput(field, v, `Wrong type. Expected '<class 'str'>', got '${pyType(v)}'`);
  if (v.length > (o.max ?? 255))
    throw invalidInput(field, v, `Value should have a maximum character requirement of ${o.max ?? 255}`);
  return v;
}

export function flag(b: Body, field: string, fallback: boolean): boolean {
  if (missing(b, field)) return fallback;
  const v = b[field];
  if (typeof v !== 'boolean') throw invalidInput(field, v, 'Value should be a boolean');
  return v;
}

export function integer(b: Body, field: string, o: { min: number; max?: number; fallback?: number }): number {
  if (missing(b, field)) {
    if (o.fallback === undefined) throw invalidInput(field, undefined, 'Mandatory field missing.');
    return o.fallback;
  }
  const v = b[field];
  if (typeof v !== 'number' || !Number.isInteger(v)) throw invalidInput(field, v, 'Value should be an integer');
  if (v < o.min) throw invalidInput(field, v, `Value should be greater or equal to ${o.min}`);
  if (o.max !== undefined && v > o.max) throw invalidInput(field, v, `Value should be lower or equal to ${o.max}`);
  return v;
}

/** One of `values`; `fallback` when absent (mandatory when there is none). */
export function choice<T extends string>(b: Body, field: string, values: readonly T[], fallback?: T | null): T {
  if (missing(b, field)) {
    if (fallback === undefined) throw invalidInput(field, undefined, 'Mandatory field missing.');
    return fallback as T;
  }
  const v = b[field];
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v))
    throw invalidInput(field, v, `Value should be one of: ${values.join(', ')}`);
  return v as T;
}

export function uuid(b: Body, field: string, required: true): string;
export function uuid(b: Body, field: string, required?: false): string | null;
export function uuid(b: Body, field: string, required = false): string | null {
  if (missing(b, field)) {
    if (required) throw invalidInput(field, undefined, 'Mandatory field missing.');
    return null;
  }
  const v = b[field];
  if (typeof v !== 'string' || !isUuid(v)) throw invalidInput(field, v, 'Value should be UUID format');
  return v;
}

/** An IPv4 address (the simulated networks have no IPv6). */
export function address(b: Body, field: string, required: boolean): string | null {
  if (missing(b, field)) {
    if (required) throw invalidInput(field, undefined, 'Mandatory field missing.');
    return null;
  }
  const v = b[field];
  if (typeof v !== 'string' || parseIpv4(v) === null)
    throw invalidInput(field, v, 'Value should be IPv4 or IPv6 format');
  return v;
}

/** oslo's bool_from_string, as Octavia reads `?cascade=`. */
export const truthy = (v: unknown): boolean =>
  typeof v === 'string' && ['1', 't', 'true', 'on', 'y', 'yes'].includes(v.trim().toLowerCase());

export { isObject };
