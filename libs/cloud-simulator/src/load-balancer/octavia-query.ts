import type { RegionApi } from '../http/api-context';
import { neutronList, type NeutronQuery } from '../network/neutron-query';

/** Where Octavia's v2 API answers: `/v2/lbaas/…`, and `/v2.0/lbaas/…` as its older alias. */
export const OCTAVIA_BASE = [':region/load-balancer/v2/lbaas', ':region/load-balancer/v2.0/lbaas'];

export const octaviaUrl = (api: RegionApi, path: string) =>
  `${api.baseUrl}/${api.region.name}/load-balancer/v2/lbaas/${path}`;

/**
 * Octavia's list semantics: equality filters on any attribute of the view, plus filters on
 * parents the view does not show by that name (`loadbalancer_id`, `listener_id`, `pool_id`);
 * `fields`, `limit` and `marker`; always a `<collection>_links` list. Items stay in creation
 * order, as Octavia sorts by created_at.
 */
export function octaviaList<T>(
  api: RegionApi,
  collection: string,
  items: T[],
  view: (o: T) => { id: string },
  q: NeutronQuery,
  parents: Record<string, (o: T) => string | null> = {},
): Record<string, unknown> {
  let list = items;
  const rest = { ...q };
  for (const [key, parentOf] of Object.entries(parents)) {
    const wanted = rest[key];
    if (wanted === undefined) continue;
    delete rest[key];
    const values = Array.isArray(wanted) ? wanted : [wanted];
    list = list.filter((o) => values.includes(parentOf(o) ?? ''));
  }
  const out = neutronList(collection, list.map(view), rest, octaviaUrl(api, collection));
  out[`${collection}_links`] ??= [];
  return out;
}
