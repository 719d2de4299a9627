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
 * | any key, at any depth (specs, action inputs, details, attrs) | `admin_pass`, `adminPass`, `passwd`, any name containing `password` or `secret` (`DBPassword`, `client_secret`) |
 * | a `parameters` map (Heat stack specs, their `environment`, a stack's details) | a name containing `password`, `secret`, `token` or `key` (`KeyName`, `api_token`), as Heat's own masking goes, and any parameter a template in the same value declares `hidden: true` |
 * | a template's parameter declarations                          | the `default` of a hidden or secret-named parameter                        |
 */
const SECRET_KEY = /^(admin_?pass|passwd)$|password|secret/i;
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
  const hidden = hiddenParameters(value);
  if (hiddenIn !== undefined) hiddenParameters(hiddenIn, hidden);
  return redact(value, hidden) as T;
}

function redact(value: unknown, hidden: Set<string>, inParameters = false): unknown {
  if (Array.isArray(value)) return value.map((v) => redact(v, hidden));
  if (!isMap(value)) return value;
  const declarations = inParameters && isDeclarations(value);
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      const secret = SECRET_KEY.test(k) || (inParameters && (SECRET_PARAMETER.test(k) || hidden.has(k)));
      if (secret && declarations && isMap(v)) return [k, 'default' in v ? { ...v, default: MASK } : v];
      if (secret && v !== null && v !== undefined) return [k, MASK];
      return [k, redact(v, hidden, k === 'parameters' && isMap(v))];
    }),
  );
}
