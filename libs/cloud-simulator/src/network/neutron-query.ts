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

/**
 * Neutron's list semantics over views: equality filters on any attribute, `fields` to pick
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
    if (key === 'fixed_ips') {
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
