import { HTTPBadRequest, isUuid, scopeOf, type Scope } from '@grove/core';
import { enforce } from './access-rules';
import type { ListQuery } from '@grove/db';
import type { GroveRequest } from './grove-request';

export interface FilterSpec {
  /** Column in the table (snake_case). */
  column: string;
  /** Allowed values of an enum filter; anything else is a 400. */
  values?: readonly string[];
  /** Only one value may be given (Senlin's `single` filters). */
  single?: boolean;
}

export interface ListSpec {
  /** Query name → filter. */
  filters: Record<string, FilterSpec>;
  /** Wire sort key → column. */
  sortKeys: Record<string, string>;
  /** Clusters quote the name in `Invalid parameter` (Senlin's inconsistency, kept for tempest). */
  quoteInvalidName?: boolean;
  /** Collections that take no limit/marker/global_project (cluster policies). */
  noPaging?: boolean;
}

export interface ParsedList {
  query: ListQuery;
  scope: Scope;
  /** Filters by raw wire values (a filter the caller resolves itself, e.g. a cluster name). */
  raw: Record<string, string[]>;
}

const values = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);
const last = (v: unknown): string => {
  const all = values(v);
  return all[all.length - 1] ?? '';
};

/**
 * Reads a list request's query the way Senlin does: only known parameters (else 400), limit a
 * non-negative integer (at most the request's maxListLimit, which is also the page size when no
 * limit is given: Senlin lists everything, which a large project cannot afford), marker a UUID, sort `key[:dir],…` with known keys, global_project
 * `true`/`false` (true only for admins), filters exact and repeatable. Checks run in Senlin's
 * order (the api layer's, then the request object's, then the conductor's 403), and an empty
 * single-valued parameter (`?limit=`) counts as absent, as WebOb hands it over.
 */
export function parseList(
  query: Record<string, unknown>,
  spec: ListSpec,
  req: Pick<GroveRequest, 'ctx' | 'maxListLimit'>,
): ParsedList {
  const { ctx } = req;
  const paging = spec.noPaging ? [] : ['limit', 'marker', 'global_project'];
  const known = new Set([...paging, 'sort', ...Object.keys(spec.filters)]);
  for (const key of Object.keys(query)) {
    if (!known.has(key))
      throw new HTTPBadRequest(spec.quoteInvalidName ? `Invalid parameter '${key}'` : `Invalid parameter ${key}`);
  }
  const single = (name: string): string | undefined =>
    query[name] === undefined ? undefined : last(query[name]) || undefined;
  let globalProject = false;
  const global = single('global_project');
  if (global !== undefined) {
    if (!['true', 'false'].includes(global.toLowerCase())) {
      throw new HTTPBadRequest(`Invalid value '${global}' specified for 'global_project'`);
    }
    globalProject = global.toLowerCase() === 'true';
  }
  const q: ListQuery = {};
  const limit = single('limit');
  if (limit !== undefined) {
    if (!/^\s*[-+]?\d+\s*$/.test(limit))
      throw new HTTPBadRequest(`The value for limit must be an integer: '${limit}'.`);
    if (Number(limit) < 0) throw new HTTPBadRequest(`Value must be >= 0 for field 'limit'.`);
    // Larger limits are cut to the maximum, as Nova's and Glance's are: a client paging with a
    // huge limit still gets its pages.
    q.limit = Math.min(Number(limit), req.maxListLimit);
  }
  if (!spec.noPaging) q.limit ??= req.maxListLimit;
  const marker = single('marker');
  if (marker !== undefined) {
    if (!isUuid(marker)) throw new HTTPBadRequest(`The value for marker is not a valid UUID: '${marker}'.`);
    q.marker = marker;
  }
  const sort = single('sort');
  if (sort !== undefined) q.sort = parseSort(sort, spec.sortKeys);
  const raw: Record<string, string[]> = {};
  const filters: Record<string, string[]> = {};
  for (const [name, f] of Object.entries(spec.filters)) {
    if (query[name] === undefined) continue;
    const given = f.single ? [last(query[name])] : values(query[name]);
    if (f.values) {
      const bad = given.filter((v) => !f.values!.includes(v));
      // oslo's Enum field names the first bad value as it came (tempest sends `['bad-status']`).
      if (bad.length) throw new HTTPBadRequest(`Field value ${bad[0]} is invalid`);
    }
    raw[name] = given;
    filters[f.column] = given;
  }
  if (Object.keys(filters).length) q.filters = filters;
  if (globalProject) enforce(ctx, 'global_project');
  return { query: q, scope: scopeOf(ctx, globalProject), raw };
}

/** Senlin's Sort field: each `key[:dir]` part needs a key; a bad direction is reported over a bad key. */
function parseSort(raw: string, keys: Record<string, string>): NonNullable<ListQuery['sort']> {
  return raw.split(',').map((part) => {
    const at = part.indexOf(':');
    const [key, dir] = at < 0 ? [part, ''] : [part.slice(0, at), part.slice(at + 1)];
    if (!key) throw new HTTPBadRequest(`Missing sort key for 'sort'.`);
    if (dir && dir !== 'asc' && dir !== 'desc') throw new HTTPBadRequest(`Unsupported sort dir '${dir}' for 'sort'.`);
    if (!Object.hasOwn(keys, key)) throw new HTTPBadRequest(`Unsupported sort key '${key}' for 'sort'.`);
    return { column: keys[key], dir: (dir || 'asc') as 'asc' | 'desc' };
  });
}

/** `true`/`false` query values (`show_details`, `force`), with Senlin's message otherwise. */
export function queryBool(name: string, v: unknown, fallback = false): boolean {
  if (v === undefined) return fallback;
  const raw = last(v).toLowerCase();
  if (!['true', 'false'].includes(raw)) throw new HTTPBadRequest(`Invalid value '${last(v)}' specified for '${name}'`);
  return raw === 'true';
}

/**
 * The `cluster_id` filter of actions and events: each value names a cluster by id, name or short
 * id (an ambiguous name is a 400). Senlin lists nothing when any of them is not found; Grove also
 * keeps a full UUID it cannot find, so the actions and events of a deleted cluster stay listable.
 * Returns the ids to filter on, or null when the list is empty.
 */
export async function clusterFilter(
  idents: readonly string[],
  find: (ident: string) => Promise<{ id: string } | null>,
): Promise<string[] | null> {
  const ids: string[] = [];
  for (const ident of idents) {
    const found = await find(ident);
    if (found) ids.push(found.id);
    else if (isUuid(ident)) ids.push(ident);
    else return null;
  }
  return ids;
}
