import { JSONPath } from 'jsonpath-plus';
import { BadRequest } from '@grove/core';

/**
 * The JSONPath subset collect paths use (Senlin parses them with jsonpath-rw): an optional `$`,
 * then fields joined by `.` (or `..` for any depth), `*`, and brackets holding an index, a slice,
 * `*` or a quoted field name — `details.addresses.private[0].addr`, `metadata.'app-tier'`.
 *
 * jsonpath-plus evaluates it, but it accepts nearly any string and gives meaning to characters
 * such as `^`, `~`, `@` and `()`, so paths are parsed here first: a path either means exactly what
 * jsonpath-rw would make of it or is refused with Senlin's `Invalid attribute path - …`.
 */
export type AttributePath = readonly string[];

const NAME = /[A-Za-z0-9_-]/;
/** Characters a quoted field name may hold: none of them means anything to jsonpath-plus. */
const QUOTED = /^[A-Za-z0-9_.:/ -]*$/;

const invalid = (reason: string) => new BadRequest(`Invalid attribute path - ${reason}`);

export function parseAttributePath(path: string): AttributePath {
  const out: string[] = ['$'];
  let i = 0;
  const at = () => path[i];
  const fail = (what: string): never => {
    throw invalid(
      i >= path.length ? `unexpected end of path after '${path}'` : `${what} '${path[i]}' at position ${i + 1}`,
    );
  };

  const name = (): string => {
    if (at() === "'" || at() === '"') {
      const quote = at();
      const end = path.indexOf(quote, i + 1);
      if (end < 0) throw invalid(`unterminated quoted name at position ${i + 1}`);
      const s = path.slice(i + 1, end);
      if (!QUOTED.test(s)) throw invalid(`unsupported character in quoted name ${quote}${s}${quote}`);
      i = end + 1;
      return s;
    }
    if (at() === '*') {
      i++;
      return '*';
    }
    const start = i;
    while (i < path.length && NAME.test(path[i])) i++;
    if (i === start) fail('unexpected character');
    return path.slice(start, i);
  };

  const bracket = (): string => {
    i++; // '['
    const close = path.indexOf(']', i);
    if (close < 0) throw invalid(`missing ']' after position ${i}`);
    const inner = path.slice(i, close).trim();
    let value: string;
    if (inner === '*') value = '*';
    else if (/^\d+$/.test(inner)) value = String(Number(inner));
    else if (/^-?\d*:-?\d*$/.test(inner) && inner !== ':') value = inner;
    else if (/^'[^']*'$|^"[^"]*"$/.test(inner)) {
      const s = inner.slice(1, -1);
      if (!QUOTED.test(s)) throw invalid(`unsupported character in quoted name ${inner}`);
      value = s;
    } else throw invalid(`unsupported index '[${inner}]' at position ${i}`);
    i = close + 1;
    return value;
  };

  if (at() === '$') {
    i++;
  } else if (at() !== '[') {
    out.push(name());
  }
  while (i < path.length) {
    if (at() === '[') {
      out.push(bracket());
    } else if (path.startsWith('..', i)) {
      i += 2;
      out.push('..', name());
    } else if (at() === '.') {
      i++;
      out.push(name());
    } else {
      fail('unexpected character');
    }
  }
  return out;
}

/** The first value the path finds in `doc`, or undefined when it finds none. */
export function firstMatch(path: AttributePath, doc: Record<string, unknown>): unknown {
  const found = JSONPath({ path: [...path], json: doc, wrap: true, eval: false }) as unknown[] | undefined;
  return found?.[0];
}
