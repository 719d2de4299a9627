import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mapSecrets } from './secret';

/** How a sealed value starts, with its format version; the rest is base64url(iv · tag · ciphertext). */
const PREFIX = 'grove:sealed:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

let key: Buffer | null = null;

/**
 * The key secrets are sealed with in Postgres (GROVE_SECRET_KEY: 32 bytes, base64), set once at
 * start-up by every process that reads or writes them. Unset (a unit test), values stay as they are.
 */
export function useSealingKey(base64: string | null): void {
  if (base64 === null) {
    key = null;
    return;
  }
  const k = Buffer.from(base64, 'base64');
  if (k.length !== 32) throw new Error('the sealing key must be 32 bytes, base64-encoded');
  key = k;
}

export const isSealed = (v: unknown): v is string => typeof v === 'string' && v.startsWith(PREFIX);

/** One JSON value sealed with AES-256-GCM (authenticated: a changed byte fails to open). */
export function seal(value: unknown): string {
  if (!key || isSealed(value)) return value as string;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The value a seal() made; anything not sealed comes back as it is. */
export function unseal(value: unknown): unknown {
  if (!isSealed(value)) return value;
  if (!key) throw new Error('a sealed value was read without GROVE_SECRET_KEY');
  const raw = Buffer.from(value.slice(PREFIX.length), 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  const plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  return JSON.parse(plain.toString('utf8')) as unknown;
}

/** A JSON document with each secret field (redactSecrets' table) sealed, for the database. */
export function sealSecrets<T>(value: T): T {
  return key ? mapSecrets(value, seal) : value;
}

/** A JSON document read from the database, every sealed value in it opened. */
export function unsealSecrets<T>(value: T): T {
  if (isSealed(value)) return unseal(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => unsealSecrets(v)) as T;
  if (typeof value !== 'object' || value === null || value instanceof Date) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unsealSecrets(v)])) as T;
}

/** A fresh key, base64 (all-in-one mode makes one for its data directory). */
export const newSealingKey = (): string => randomBytes(32).toString('base64');
