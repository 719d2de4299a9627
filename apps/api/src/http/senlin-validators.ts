import { applyDecorators, type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { plainToInstance, Transform, Type } from 'class-transformer';
import { ValidateBy, ValidateIf, ValidateNested, validateSync, type ValidationError } from 'class-validator';
import { boolFromString, HTTPBadRequest, pyRepr, unrecognizedBool } from '@grove/core';

/**
 * Request bodies are DTO classes checked by class-validator (STYLE C5), with Senlin's coercions
 * (an integer may come as "3") and Senlin's messages, which tempest compares verbatim: jsonschema's
 * wording for missing and unknown keys and wrong types, the versioned-object fields' for the rest.
 */

export { pyRepr };

/** The class-transformer group of `validateBody(…, { lenient: true })`. */
const LENIENT = 'lenient';

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Absent keys are optional, but an explicit null is checked. Every rule already lets an absent
 * key pass (so that `Required` can still report it: class-validator's ValidateIf would silence
 * every rule of the property, `Required` included), so this only documents the intent.
 */
const WhenPresent = () => applyDecorators();
/** Validates only when the value is not null (fields Senlin lets be null); absent keys pass every rule. */
const WhenGiven = () => ValidateIf((_o, v) => v !== null);

/** A check of a present value: an absent key passes every rule but `Required`. */
function rule(
  name: string,
  ok: (v: unknown) => boolean,
  message: (property: string, value: unknown) => string,
  o: { absentOk?: boolean } = {},
) {
  const absentOk = o.absentOk ?? true;
  return ValidateBy({
    name,
    validator: {
      validate: (v) => (absentOk && v === undefined) || ok(v),
      defaultMessage: (a) => message(a!.property, a!.value),
    },
  });
}

/** The key must be there: `'name' is a required property`, or a message of its own (envelopes). */
export const Required = (message?: string) =>
  rule(
    message ? 'envelope' : 'required',
    (v) => v !== undefined,
    (p) => message ?? `'${p}' is a required property`,
    { absentOk: false },
  );

/** A string; `maxLength` is its column's, worded as Senlin words its own length limits. */
export const SString = (o: { nullable?: boolean; maxLength?: number } = {}) =>
  applyDecorators(
    o.nullable ? WhenGiven() : WhenPresent(),
    rule(
      'string',
      (v) => typeof v === 'string',
      (_p, v) => `${pyRepr(v)} is not of type 'string'`,
    ),
    ...(o.maxLength === undefined
      ? []
      : [
          rule(
            'stringLength',
            (v) => typeof v !== 'string' || v.length <= o.maxLength!,
            (p) => `The value for the ${p} field must be less than ${o.maxLength} characters long.`,
          ),
        ]),
  );

const NAME = /^[a-zA-Z\u4e00-\u9fa5\d._~-]*$/;

/** Senlin's names: 1 to 255 of letters, digits, CJK and `._~-`. */
export const SName = (o: { nullable?: boolean } = {}) =>
  applyDecorators(
    o.nullable ? WhenGiven() : WhenPresent(),
    rule(
      'string',
      (v) => typeof v === 'string',
      (_p, v) => `${pyRepr(v)} is not of type 'string'`,
    ),
    rule(
      'nameLength',
      (v) => typeof v !== 'string' || v.length >= 1,
      (p) => `The value for the ${p} field must be at least 1 characters long.`,
    ),
    rule(
      'nameLength',
      (v) => typeof v !== 'string' || v.length <= 255,
      (p) => `The value for the ${p} field must be less than 255 characters long.`,
    ),
    rule(
      'nameChars',
      (v) => typeof v !== 'string' || NAME.test(v),
      (p, v) =>
        `The value for the '${p}' (${String(v)}) contains illegal characters. It must contain only alphanumeric or "_-.~" characters and must start with letter.`,
    ),
  );

/** Whole numbers, given as numbers or strings of digits, become numbers. */
const toInt = () =>
  Transform(({ value }) => (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value));
const isInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v);
const notInt = (p: string, v: unknown) =>
  `The value for ${p} must be an integer: '${v === null ? 'None' : String(v)}'.`;

/** The largest value of Postgres's `int`, the type of every integer column. */
export const INT_MAX = 2_147_483_647;

const atMost = (max: number) =>
  rule(
    'max',
    (v) => !isInt(v) || (v as number) <= max,
    (p) => `The value for the ${p} field must be less than or equal to ${max}.`,
  );

/**
 * A count-like integer (Senlin's NonNegativeInteger). Python's ints have no end, Postgres's do:
 * `max` (its column's range by default) is worded as Senlin words its Capacity's maximum.
 */
export const SNonNegativeInt = (o: { nullable?: boolean; max?: number } = {}) =>
  applyDecorators(
    toInt(),
    o.nullable ? WhenGiven() : WhenPresent(),
    rule('integer', isInt, notInt),
    rule(
      'nonNegative',
      (v) => !isInt(v) || (v as number) >= 0,
      (p) => `Value must be >= 0 for field '${p}'.`,
    ),
    atMost(o.max ?? INT_MAX),
  );

/** A cluster size (Senlin's Capacity): an integer from `min` to `max` (the column's range by default). */
export const SCapacity = (min: number, o: { max?: number; nullable?: boolean } = {}) =>
  applyDecorators(
    toInt(),
    o.nullable ? WhenGiven() : WhenPresent(),
    rule('integer', isInt, notInt),
    rule(
      'capacityMin',
      (v) => !isInt(v) || (v as number) >= min,
      (p) => `The value for the ${p} field must be greater than or equal to ${min}.`,
    ),
    atMost(o.max ?? INT_MAX),
  );

/** A float, given as a number or a numeric string. */
export const SNumber = (o: { nullable?: boolean } = {}) =>
  applyDecorators(
    Transform(({ value }) =>
      typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value,
    ),
    o.nullable ? WhenGiven() : WhenPresent(),
    rule(
      'number',
      (v) => typeof v === 'number' && Number.isFinite(v),
      (p, v) => `The value for ${p} must be a number: '${String(v)}'.`,
    ),
  );

export { unrecognizedBool };

/** oslo's strict boolean spellings (`'yes'`, `1`, `true`); undefined for anything else, `[1]` included. */
export const parseBool = boolFromString;

/**
 * A boolean field of a request body, read as Senlin's request objects read it: first coerced with
 * oslo's strict spellings (`[1]` is refused there, as `Unrecognized value '[1]'…`), then checked by
 * the object's JSON schema, which takes only a JSON boolean (or null when the field is nullable):
 * `'yes' is not of type 'boolean', 'null'`.
 */
export const SBool = (o: { nullable?: boolean } = {}) =>
  applyDecorators(
    // A webhook's params are strings from a URL or an alarm: there the spellings are taken as they are.
    Transform(({ value }) => boolFromString(value) ?? value, { groups: [LENIENT] }),
    o.nullable ? WhenGiven() : WhenPresent(),
    rule(
      'boolean',
      (v) => boolFromString(v) !== undefined,
      (_p, v) => unrecognizedBool(v),
    ),
    rule(
      'booleanType',
      (v) => boolFromString(v) === undefined || typeof v === 'boolean',
      (_p, v) => `${pyRepr(v)} is not of type 'boolean'${o.nullable ? ", 'null'" : ''}`,
    ),
  );

/** A boolean field read outside a DTO, as SBool reads it; throws its first problem. */
export function fieldBool(v: unknown, o: { nullable?: boolean } = {}): boolean | null {
  if (v === null && o.nullable) return null;
  if (boolFromString(v) === undefined) throw new HTTPBadRequest(unrecognizedBool(v));
  if (typeof v !== 'boolean')
    throw new HTTPBadRequest(`${pyRepr(v)} is not of type 'boolean'${o.nullable ? ", 'null'" : ''}`);
  return v;
}

/** A free-form JSON object (metadata, spec, config): kept as given, never whitelisted inside. */
export const SMap = (o: { nullable?: boolean } = {}) =>
  applyDecorators(
    o.nullable ? WhenGiven() : WhenPresent(),
    rule('object', isMap, (_p, v) => `${pyRepr(v)} is not of type 'object'`),
  );

/** A JSON text that did not parse, kept so its rule can say so. */
class UnparsedJson {
  constructor(readonly text: string) {}
}

/**
 * Senlin's JsonField holding a map (receiver params and actor): a JSON object, null, or a string
 * of JSON text that parses to one.
 */
export const SJsonMap = () =>
  applyDecorators(
    Transform(({ value }) => {
      if (typeof value !== 'string') return value;
      try {
        return JSON.parse(value) as unknown;
      } catch {
        return new UnparsedJson(value);
      }
    }),
    WhenGiven(),
    rule(
      'json',
      (v) => !(v instanceof UnparsedJson),
      (_p, v) => `The value (${(v as UnparsedJson).text}) is not a valid JSON.`,
    ),
    rule(
      'object',
      (v) => v instanceof UnparsedJson || isMap(v),
      (_p, v) => `${pyRepr(v)} is not of type 'object', 'null'`,
    ),
  );

export const SEnum = (values: readonly string[], o: { nullable?: boolean } = {}) =>
  applyDecorators(
    o.nullable ? WhenGiven() : WhenPresent(),
    rule(
      'enum',
      (v) => values.includes(String(v)),
      (p, v) => `Value '${String(v)}' is not acceptable for field '${p}'.`,
    ),
  );

/**
 * A list of node names or ids (Senlin's IdentityList). Senlin iterates a string given instead of
 * a list character by character, so `"node_id"` fails its uniqueness check: tempest expects that
 * message. Grove refuses every string, with that message when its characters repeat.
 */
export const SIdentityList = (o: { minItems?: number; unique?: boolean } = {}) =>
  applyDecorators(
    WhenPresent(),
    rule('array', Array.isArray, (p, v) =>
      typeof v === 'string' && new Set(v).size !== v.length
        ? `Items for '${p}' must be unique`
        : `${pyRepr(v)} is not of type 'array'`,
    ),
    rule(
      'stringItems',
      (v) => !Array.isArray(v) || v.every((x) => typeof x === 'string'),
      (_p, v) => `${pyRepr((v as unknown[]).find((x) => typeof x !== 'string'))} is not of type 'string'`,
    ),
    rule(
      'minItems',
      (v) => !Array.isArray(v) || v.length >= (o.minItems ?? 0),
      (p) => `Value for '${p}' must have at least ${o.minItems ?? 0} item(s).`,
    ),
    rule(
      'unique',
      (v) => !Array.isArray(v) || !(o.unique ?? true) || new Set(v).size === v.length,
      (p) => `Items for '${p}' must be unique`,
    ),
  );

/**
 * A map of node identities to node identities (Senlin's NodeReplaceMap): string values, none null,
 * no value twice. Numbers and booleans become strings, as Senlin's String field makes them.
 */
export const SNodeMap = () =>
  applyDecorators(
    Transform(({ value }) =>
      isMap(value)
        ? Object.fromEntries(
            Object.entries(value).map(([k, x]) => [k, typeof x === 'number' || typeof x === 'boolean' ? pyRepr(x) : x]),
          )
        : value,
    ),
    WhenPresent(),
    rule('object', isMap, (_p, v) => `${pyRepr(v)} is not of type 'object'`),
    rule(
      'notNone',
      (v) => !isMap(v) || Object.values(v).every((x) => x !== null),
      (p, v) => `Field \`${p}[${Object.entries(v as object).find(([, x]) => x === null)![0]}]' cannot be None`,
    ),
    rule(
      'stringValues',
      (v) => !isMap(v) || Object.values(v).every((x) => x === null || typeof x === 'string'),
      (p, v) => {
        const [k, x] = Object.entries(v as object).find(([, y]) => y !== null && typeof y !== 'string')!;
        return `A string is required in field ${p}[${k}], not a ${Array.isArray(x) ? 'list' : 'dict'}`;
      },
    ),
    rule(
      'uniqueValues',
      (v) => !isMap(v) || new Set(Object.values(v)).size === Object.keys(v).length,
      () => 'Map contains duplicated values',
    ),
  );

/** A nested object checked by its own class; `missing` is the message when the key is absent. */
export const SNested = (cls: () => new () => object, missing?: string) =>
  applyDecorators(
    Required(missing),
    rule(
      'object',
      (v) => v === undefined || isMap(v),
      (_p, v) => `${pyRepr(v)} is not of type 'object'`,
    ),
    ValidateNested(),
    Type(cls),
  );

/** Every problem at once, in Senlin's words; unknown keys as jsonschema words them. */
export function describe(errors: ValidationError[]): string[] {
  return errors.flatMap((e) => [
    ...Object.entries(e.constraints ?? {}).map(([name, msg]) =>
      name === 'whitelistValidation' ? `Additional properties are not allowed ('${e.property}' was unexpected)` : msg,
    ),
    ...describe(e.children ?? []),
  ]);
}

/**
 * Checks a plain value against a DTO class; throws HTTPBadRequest with the first problem. `lenient`
 * drops unknown keys instead of refusing them (what a webhook's alarm posts besides the inputs).
 */
export function validateBody<T extends object>(cls: new () => T, body: unknown, o: { lenient?: boolean } = {}): T {
  if (!isMap(body)) throw new HTTPBadRequest('The request body must be a JSON object.');
  const dto = plainToInstance(cls, body, o.lenient ? { groups: [LENIENT] } : {});
  const errors = validateSync(dto, {
    whitelist: true,
    forbidNonWhitelisted: !o.lenient,
    forbidUnknownValues: false,
  });
  // A missing envelope (`{"node": …}`) is all Senlin reports: it looks for the key before anything else.
  const envelope = errors.find((e) => e.constraints?.envelope);
  if (envelope) throw new HTTPBadRequest(envelope.constraints!.envelope);
  // Senlin's jsonschema stops at its first problem, a missing key before an unknown one, and
  // clients compare that one message verbatim; so one message, in that order (STYLE C5 would list
  // them all, but the wire contract wins here).
  if (errors.length) {
    const missing = errors.filter((e) => e.constraints?.required);
    throw new HTTPBadRequest(describe(missing.length ? missing : errors)[0]);
  }
  return dto;
}

/** The global pipe: any `@Body()` typed with a DTO class is checked with validateBody. */
@Injectable()
export class SenlinValidationPipe implements PipeTransform {
  transform(value: unknown, meta: ArgumentMetadata): unknown {
    if (meta.type !== 'body' || !meta.metatype || meta.metatype === Object) return value;
    return validateBody(meta.metatype as new () => object, value ?? {});
  }
}
