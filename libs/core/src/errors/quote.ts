/** How much of a client's text an error message quotes back. */
export const QUOTE_MAX = 80;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * `s` as an error message may quote it: cut to `max` characters (a 100 KB name is not sent back,
 * nor written to a log line), with NULs and lone surrogates made visible.
 */
export function quoteBounded(s: string, max = QUOTE_MAX): string {
  const shown = s.length > max ? `${s.slice(0, max)}…` : s;
  return shown.replace(/\u0000/g, '\\u0000').replace(LONE_SURROGATE, '\ufffd');
}
