/**
 * Senlin's three ways of reading a boolean, in one place: oslo's `bool_from_string(strict=True)`
 * (request-object fields and spec properties), the request objects' JSON schema on top of it
 * (body fields must then be JSON booleans), and the api's `parse_bool_param` (query parameters).
 */

/** Python's repr of a JSON value, as Senlin's messages print it. */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`)
      .join(', ')}}`;
  return String(v);
}

/** Python's str() of a JSON value: a string as it is, anything else as its repr (`[1]`, not JS's `1`). */
export const pyText = (v: unknown): string => (typeof v === 'string' ? v : pyRepr(v));

const TRUE = ['1', 't', 'true', 'on', 'y', 'yes'];
const FALSE = ['0', 'f', 'false', 'off', 'n', 'no'];

/** oslo's `bool_from_string(v, strict=True)`: a boolean, or undefined when `str(v)` is no boolean spelling. */
export function boolFromString(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  const s = pyText(v).trim().toLowerCase();
  if (TRUE.includes(s)) return true;
  if (FALSE.includes(s)) return false;
  return undefined;
}

/** oslo's message for a value that is no boolean spelling. */
export const unrecognizedBool = (v: unknown): string =>
  `Unrecognized value '${pyText(v)}', acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'`;

/**
 * Senlin's `parse_bool_param`: only `str(v).lower()` of `true` or `false`; undefined otherwise
 * (the caller says `Invalid value '<v>' specified for '<name>'`).
 */
export function boolParam(v: unknown): boolean | undefined {
  const s = pyText(v).toLowerCase();
  return s === 'true' ? true : s === 'false' ? false : undefined;
}
