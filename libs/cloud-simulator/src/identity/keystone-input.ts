import { ApiError } from '../http/api-error';

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keystone's schema errors name the field and the rule broken. */
export const invalid = (field: string, why: string) =>
  new ApiError(400, `Invalid input for field '${field}': ${why}`, 'ValidationError');
