/** Readers for the free-form maps policies share through `action.data` and `action.inputs`. */

export const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `data[key]` when it is a map (an earlier policy's decision), else null. */
export const mapAt = (data: Readonly<Record<string, unknown>>, key: string): Record<string, unknown> | null => {
  const v = data[key];
  return isMap(v) ? v : null;
};

/** Senlin's get_positive_int: an integer, or a string of one, above zero; null otherwise. */
export function positiveInt(v: unknown): number | null {
  if (typeof v === 'number') return Number.isInteger(v) && v > 0 ? v : null;
  // As written: "3" counts, " 3", "+3" and "03" do not (str(int(v)) == str(v)).
  if (typeof v === 'string' && /^-?\d+$/.test(v) && String(Number(v)) === v) return Number(v) > 0 ? Number(v) : null;
  return null;
}

/** Python's repr() of a string: single quotes unless only double quotes avoid escaping. */
function pyRepr(s: string): string {
  const escaped = s.replace(/\\/g, '\\\\');
  return escaped.includes("'") && !escaped.includes('"') ? `"${escaped}"` : `'${escaped.replace(/'/g, "\\'")}'`;
}

/** Python's repr() of a list of strings, which Senlin's "could not be found" messages embed. */
export const pyList = (items: readonly string[]): string => `[${items.map(pyRepr).join(', ')}]`;
