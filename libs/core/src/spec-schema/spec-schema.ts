/**
 * Senlin's property schemas: one declaration per profile or policy type that both validates a spec
 * (with Senlin's messages, plus the path of the offending item) and renders the schema that
 * `GET /v1/profile-types/{type}` shows. Only AllowedValues exists as a constraint, as in Senlin.
 *
 * Values are coerced the way Senlin coerces them: a number given for a String becomes a string,
 * "3" given for an Integer becomes 3, "yes" for a Boolean becomes true. Where Senlin is lax by
 * accident (a string passing as a List, 1.5 truncated to an Integer) Grove refuses.
 */
import { boolFromString } from '../senlin-bool/senlin-bool';

export type SchemaType = 'String' | 'Integer' | 'Number' | 'Boolean' | 'Map' | 'List';

export interface PropSchema {
  readonly type: SchemaType;
  readonly description?: string;
  readonly default?: unknown;
  readonly required: boolean;
  readonly updatable: boolean;
  readonly allowed?: readonly (string | number | boolean)[];
  /** Map: the schema of each known key (unset = any keys). List: the schema of every item. */
  readonly schema?: SchemaMap | PropSchema;
  /** A Grove addition (microversion 1.15): left out of the schema Senlin's clients see, refused below 1.15. */
  readonly grove?: boolean;
}

export type SchemaMap = Readonly<Record<string, PropSchema>>;

interface Opts {
  default?: unknown;
  required?: boolean;
  updatable?: boolean;
  allowed?: readonly (string | number | boolean)[];
  grove?: boolean;
}

const make = (type: SchemaType, description: string, o: Opts = {}, schema?: SchemaMap | PropSchema): PropSchema => ({
  type,
  description,
  default: o.default,
  required: o.required ?? false,
  updatable: o.updatable ?? false,
  allowed: o.allowed,
  schema,
  ...(o.grove ? { grove: true } : {}),
});

/** Builders that read like Senlin's `schema.String(...)` declarations. */
export const S = {
  string: (description: string, o?: Opts) => make('String', description, o),
  integer: (description: string, o?: Opts) => make('Integer', description, o),
  number: (description: string, o?: Opts) => make('Number', description, o),
  boolean: (description: string, o?: Opts) => make('Boolean', description, o),
  map: (description: string, schema?: SchemaMap, o?: Opts) => make('Map', description, o, schema),
  list: (description: string, item: PropSchema, o?: Opts) => make('List', description, o, item),
};

/** A spec problem: the item's path (`networks[0].port`) and Senlin's message for it. */
export class SpecError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'SpecError';
  }
}

/** Python's str() of a value, which Senlin's messages embed. */
export function pyStr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** The largest integer a spec may give: Postgres's `int`, which a health policy's interval is stored in. */
const INT_MAX = 2_147_483_647;

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const join = (path: string, key: string | number) =>
  typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;

/** A value error names the item; "required" and "unrecognizable" messages already do (Senlin's wording). */
const valueError = (path: string, msg: string) =>
  new SpecError(path, `${msg.replace(/\.$/, '')} (spec item '${path}')`);

/**
 * Validates `data` against a map of schemas and returns the resolved values: defaults filled in,
 * scalars coerced. Throws the first SpecError met, in schema order, like Senlin.
 */
export function resolveSpec(schemas: SchemaMap, data: unknown, path = ''): Record<string, unknown> {
  if (!isMap(data)) throw valueError(path || 'properties', `'${pyStr(data)}' is not a Map`);
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(schemas)) {
    const itemPath = join(path, key);
    if (key in data && data[key] !== undefined) {
      out[key] = resolveValue(schema, data[key], itemPath);
    } else if (schema.default !== undefined) {
      out[key] = structuredClone(schema.default);
    } else if (schema.required) {
      throw new SpecError(itemPath, `Required spec item '${itemPath}' not provided`);
    }
  }
  for (const key of Object.keys(data)) {
    if (!(key in schemas)) {
      const itemPath = join(path, key);
      throw new SpecError(itemPath, `Unrecognizable spec item '${itemPath}'`);
    }
  }
  return out;
}

export function resolveValue(schema: PropSchema, value: unknown, path: string): unknown {
  const v = coerce(schema, value, path);
  if (schema.allowed && v !== null && v !== undefined) {
    const allowed = schema.allowed.map((a) => coerce(schema, a, path));
    const values = Array.isArray(v) ? v : [v];
    if (!values.every((x) => allowed.includes(x))) {
      throw valueError(path, `'${pyStr(value)}' must be one of the allowed values: ${schema.allowed.join(', ')}`);
    }
  }
  return v;
}

function coerce(schema: PropSchema, value: unknown, path: string): unknown {
  switch (schema.type) {
    case 'String':
      if (value === null || value === undefined || isMap(value) || Array.isArray(value))
        throw valueError(path, `The value '${pyStr(value)}' is not a valid string.`);
      return String(value);
    case 'Integer': {
      const n = typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n))
        throw valueError(path, `The value '${pyStr(value)}' is not a valid Integer`);
      // Python's ints have no end; Grove's columns and timers do (an interval, a timeout in seconds).
      if (Math.abs(n) > INT_MAX)
        throw valueError(path, `The value '${pyStr(value)}' is out of range: at most ${INT_MAX} in magnitude`);
      return n;
    }
    case 'Number': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n))
        throw valueError(path, `The value '${pyStr(value)}' is not a valid number.`);
      return n;
    }
    case 'Boolean': {
      const b = boolFromString(value);
      if (b !== undefined) return b;
      throw valueError(path, `The value '${pyStr(value)}' is not a valid Boolean`);
    }
    case 'Map': {
      let m = value;
      if (typeof m === 'string') {
        try {
          m = JSON.parse(m);
        } catch {
          /* reported below */
        }
      }
      if (!isMap(m)) throw valueError(path, `'${pyStr(value)}' is not a Map`);
      return schema.schema ? resolveSpec(schema.schema as SchemaMap, m, path) : structuredClone(m);
    }
    case 'List': {
      if (!Array.isArray(value)) throw valueError(path, `'${pyStr(value)}' is not a List`);
      const item = schema.schema as PropSchema | undefined;
      return item ? value.map((x, i) => resolveValue(item, x, join(path, i))) : structuredClone(value);
    }
  }
}

/** Which top-level properties differ between two resolved specs and cannot change in place. */
export function nonUpdatableChanges(
  schemas: SchemaMap,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): string[] {
  return Object.keys(schemas).filter(
    (k) => !schemas[k].updatable && JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null),
  );
}

/** The wire form shown by profile-type and policy-type show: Senlin's keys, nothing more. */
export function renderSchema(schemas: SchemaMap, withUpdatable = true): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(schemas)
      .filter(([, s]) => !s.grove)
      .map(([k, s]) => [k, renderProp(s, withUpdatable)]),
  );
}

/** The paths (`recovery.max_unhealthy`) of Grove's additions that `data` uses, in maps of `schemas`. */
export function groveItemsUsed(schemas: SchemaMap, data: unknown, path = ''): string[] {
  if (!isMap(data)) return [];
  return Object.entries(schemas).flatMap(([k, s]) => {
    if (!(k in data)) return [];
    const itemPath = path ? `${path}.${k}` : k;
    if (s.grove) return [itemPath];
    return s.type === 'Map' && s.schema ? groveItemsUsed(s.schema as SchemaMap, data[k], itemPath) : [];
  });
}

function renderProp(s: PropSchema, withUpdatable: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { type: s.type, required: s.required };
  if (s.description !== undefined) out.description = s.description;
  if (s.default !== undefined) out.default = s.default;
  if (s.schema) {
    out.schema =
      s.type === 'List'
        ? { '*': renderProp(s.schema as PropSchema, withUpdatable) }
        : renderSchema(s.schema as SchemaMap, withUpdatable);
  }
  if (withUpdatable) out.updatable = s.updatable;
  if (s.allowed) out.constraints = [{ type: 'AllowedValues', constraint: [...s.allowed] }];
  return out;
}

/** An operation a profile type offers through `/ops`: its description and parameter schemas. */
export interface OperationSchema {
  readonly description: string;
  readonly parameters: SchemaMap;
}

/** Validates operation parameters with Senlin's messages (no path: tempest matches them verbatim). */
export function resolveParams(op: OperationSchema, data: unknown): Record<string, unknown> {
  if (!isMap(data)) throw new SpecError('', `The params provided is not a map`);
  for (const k of Object.keys(data)) {
    if (!(k in op.parameters)) throw new SpecError(k, `Unrecognizable parameter '${k}'`);
  }
  const out: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(op.parameters)) {
    if (k in data) {
      try {
        out[k] = resolveValue(s, data[k], k);
      } catch (e) {
        // Parameter messages carry no path suffix.
        throw e instanceof SpecError ? new SpecError(k, e.reason.replace(/ \(spec item '.*'\)$/, '')) : e;
      }
    } else if (s.default !== undefined) out[k] = s.default;
    else if (s.required) throw new SpecError(k, `Required parameter '${k}' not provided`);
  }
  return out;
}

export const renderOperations = (ops: Readonly<Record<string, OperationSchema>>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(ops).map(([name, op]) => [
      name,
      { description: op.description, parameters: renderSchema(op.parameters, false) },
    ]),
  );

/** Splits a spec into its type key (`os.nova.server-1.0`) with Senlin's messages for a malformed envelope. */
export function specTypeKey(spec: unknown): { type: string; version: string; key: string } {
  if (!isMap(spec)) throw new SpecError('', 'The provided spec is not a map.');
  if (!('type' in spec)) throw new SpecError('type', "The 'type' key is missing from the provided spec map.");
  if (!('version' in spec)) throw new SpecError('version', "The 'version' key is missing from the provided spec map.");
  const type = String(spec.type);
  // YAML specs say `version: 1.0`, which arrives as a JSON number that JavaScript reads as 1;
  // Senlin's str() of it is "1.0", so a whole number is read as a version with ".0".
  const version =
    typeof spec.version === 'number' && Number.isInteger(spec.version) ? `${spec.version}.0` : String(spec.version);
  return { type, version, key: `${type}-${version}` };
}
