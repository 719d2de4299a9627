import { inspect } from 'node:util';

const MASK = '***';

/**
 * A value that must never reach a log, an event or an API response. Printing, JSON-encoding or
 * inspecting it shows `***`; `reveal()` is the only way in, so every use of the real value is greppable.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return MASK;
  }

  toJSON(): string {
    return MASK;
  }

  [inspect.custom](): string {
    return MASK;
  }
}

/** Keys whose values are credentials wherever they appear in a spec or an action's inputs. */
const SECRET_KEY = /^(admin_?pass|adminPass|password|passwd|secret|.+_password|.+_secret)$/i;

/**
 * A copy of a JSON value with every credential-named key's value replaced by `***`: what the api
 * shows of profile specs and action inputs, so a server's admin password set in a spec or a
 * change_password operation never comes back out.
 */
export function redactSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map(redactSecrets) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        SECRET_KEY.test(k) && v !== null && v !== undefined ? MASK : redactSecrets(v),
      ]),
    ) as T;
  }
  return value;
}
