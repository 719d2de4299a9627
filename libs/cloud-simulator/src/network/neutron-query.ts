import { badRequest } from '../http/api-error';

export type NeutronQuery = Record<string, string | string[] | undefined>;

const CONTROL = new Set(['fields', 'limit', 'marker', 'sort_key', 'sort_dir', 'page_reverse']);

const values = (v: string | string[]): string[] => (Array.isArray(v) ? v : [v]);

/** Whether a view's field matches one of the query's values (Neutron ORs repeated values). */
function matches(field: unknown, wanted: string[]): boolean {
  if (typeof field === 'boolean') return wanted.some((w) => w.toLowerCase() === String(field));
  if (Array.isArray(field)) return wanted.some((w) => field.map(String).includes(w));
  return wanted.includes(field === null ? '' : String(field));
}

/** `fixed_ips=ip_address=1.2.3.4` / `fixed_ips=subnet_id=…`, as Neutron filters ports. */
function matchesFixedIps(fixedIps: { subnet_id: string; ip_address: string }[], wanted: string[]): boolean {
  return wanted.every((w) => {
    const [key, value] = w.split('=', 2);
    return fixedIps.some((f) => (key === 'ip_address' || key === 'subnet_id') && f[key] === value);
  });
}

const TAG_FILTERS = new Set(['tags', 'tags-any', 'not-tags', 'not-tags-any']);

/**
 * Neutron's tag filters: `tags=a,b` keeps what has every one, `tags-any` what has at least one,
 * `not-tags` drops what has every one, `not-tags-any` what has any.
 */
function matchesTags(tags: readonly string[], filter: string, wanted: string[]): boolean {
  const listed = wanted.flatMap((w) => w.split(',')).filter((t) => t !== '');
  const all = listed.every((t) => tags.includes(t));
  const any = listed.some((t) => tags.includes(t));
  if (filter === 'tags') return all;
  if (filter === 'tags-any') return any;
  if (filter === 'not-tags') return !all;
  return !any;
}

/**
 * Neutron's list semantics over views: equality filters on any attribute, tag filters, `fields` to pick
 * attributes, and `limit`/`marker` paging with a `<collection>_links` next link.
 */
export function neutronList<T extends { id: string }>(
  collection: string,
  views: T[],
  q: NeutronQuery,
  selfUrl: string,
): Record<string, unknown> {
  let list = views;
  for (const [key, raw] of Object.entries(q)) {
    if (raw === undefined || CONTROL.has(key)) continue;
    const wanted = values(raw);
    if (TAG_FILTERS.has(key)) {
      list = list.filter((v) => matchesTags((v as { tags?: string[] }).tags ?? [], key, wanted));
    } else if (key === 'fixed_ips') {
      list = list.filter((v) =>
        matchesFixedIps(
          (v as unknown as { fixed_ips?: { subnet_id: string; ip_address: string }[] }).fixed_ips ?? [],
          wanted,
        ),
      );
    } else {
      list = list.filter((v) => !(key in v) || matches((v as Record<string, unknown>)[key], wanted));
    }
  }
  const marker = q.marker === undefined ? undefined : values(q.marker)[0];
  if (marker !== undefined) {
    const at = list.findIndex((v) => v.id === marker);
    list = at < 0 ? list : list.slice(at + 1);
  }
  const out: Record<string, unknown> = {};
  if (q.limit !== undefined) {
    const limit = Number(values(q.limit)[0]);
    if (!Number.isInteger(limit) || limit < 0)
      throw badRequest(`Bad limit request: Limit must be an integer 0 or greater and not '${String(q.limit)}'.`);
    if (limit > 0 && list.length > limit) {
      list = list.slice(0, limit);
      out[`${collection}_links`] = [
        { rel: 'next', href: `${selfUrl}?limit=${limit}&marker=${list[list.length - 1].id}` },
      ];
    }
  }
  const fields = q.fields === undefined ? null : values(q.fields);
  out[collection] = fields ? list.map((v) => pick(v, fields)) : list;
  return out;
}

export function pick(view: object, fields: string[] | null): Record<string, unknown> {
  if (!fields) return view as Record<string, unknown>;
  return Object.fromEntries(Object.entries(view).filter(([k]) => fields.includes(k)));
}
