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

/**
 * What the api, events and notifications never show, each value replaced by `***`:
 *
 * | where                                                        | what                                                                       |
 * | ------------------------------------------------------------ | -------------------------------------------------------------------------- |
 * | any key, at any depth (specs, action inputs, details, attrs) | `admin_pass`, `adminPass`, `passwd`, `user_data`, any name containing `password`, `secret`, `private_key` or an auth, access, refresh, api or bearer `token` (`DBPassword`, `client_secret`, `auth_token`, `privateKey`); a lifecycle hook's `lifecycle_action_token` stays, its receiver needs it |
 * | a `parameters` map (Heat stack specs, their `environment`, a stack's details) | a name containing `password`, `secret`, `token` or `key` (`KeyName`, `api_token`), as Heat's own masking goes, and any parameter a template in the same value declares `hidden: true` |
 * | a template's parameter declarations                          | the `default` of a hidden or secret-named parameter                        |
 */
const SECRET_KEY =
  /^(admin_?pass|passwd|user_data)$|password|secret|(auth|access|refresh|api|bearer)_?token|private_?key/i;
const SECRET_PARAMETER = /password|secret|token|key/i;

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

/** A template's parameter declarations: `{name: {type: …}}`. */
const isDeclarations = (m: Record<string, unknown>) =>
  Object.values(m).length > 0 && Object.values(m).every((d) => isMap(d) && typeof d.type === 'string');

const declaredHidden = (d: unknown) => isMap(d) && (d.hidden === true || String(d.hidden).toLowerCase() === 'true');

/** Names of the parameters that any template inside `value` declares hidden. */
function hiddenParameters(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => hiddenParameters(v, found));
  else if (isMap(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'parameters' && isMap(v) && isDeclarations(v))
        for (const [name, d] of Object.entries(v)) if (declaredHidden(d)) found.add(name);
      hiddenParameters(v, found);
    }
  }
  return found;
}

/**
 * A copy of a JSON value with its secrets masked (the table above): what the api shows of profile
 * specs, action inputs, node details and cluster attributes, so that a server's admin password, a
 * Heat stack's `DBPassword` or a parameter its template hides never comes back out. `hiddenIn`
 * is a value whose templates also count (a stack's details, read with its profile's spec).
 */
export function redactSecrets<T>(value: T, hiddenIn?: unknown): T {
  return mapSecrets(value, () => MASK, hiddenIn);
}

/**
 * A copy of a JSON value with each of its secrets (the table above) replaced by what `f` makes of
 * it: redactSecrets masks them, sealSecrets (sealing.ts) encrypts them for the database.
 */
export function mapSecrets<T>(value: T, f: (secret: unknown) => unknown, hiddenIn?: unknown): T {
  const hidden = hiddenParameters(value);
  if (hiddenIn !== undefined) hiddenParameters(hiddenIn, hidden);
  return walk(value, hidden, f) as T;
}

function walk(value: unknown, hidden: Set<string>, f: (secret: unknown) => unknown, inParameters = false): unknown {
  if (Array.isArray(value)) return value.map((v) => walk(v, hidden, f));
  if (!isMap(value)) return value;
  const declarations = inParameters && isDeclarations(value);
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      const secret = SECRET_KEY.test(k) || (inParameters && (SECRET_PARAMETER.test(k) || hidden.has(k)));
      if (secret && declarations && isMap(v)) return [k, 'default' in v ? { ...v, default: f(v.default) } : v];
      if (secret && v !== null && v !== undefined) return [k, f(v)];
      return [k, walk(v, hidden, f, k === 'parameters' && isMap(v))];
    }),
  );
}
