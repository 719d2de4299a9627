import { isMap } from '../action-data';
import type { PolicyNode } from '../policy-type';

/** A region or availability zone a placement policy may use. */
export interface PlacementCandidate {
  readonly name: string;
  readonly weight: number;
  /** Most nodes the bucket may hold; -1 (or absent) for no cap. Regions only. */
  readonly cap?: number;
}

/** Nodes per region or zone: `{RegionOne: 2, RegionTwo: 1}`. */
export type PlacementPlan = Record<string, number>;

/**
 * Where `count` nodes go (growing) or come from (shrinking), by weight (SL _create_plan, shared by
 * region and zone placement). The cluster's size after the change is shared out by weight: each
 * bucket's quota is its share rounded up when growing (and held to its cap), down when shrinking.
 * Buckets are walked heaviest first when growing and lightest first when shrinking (ties keep the
 * spec's order), each taking as many nodes as its quota leaves room for, until all are placed.
 * Returns null when they cannot all be placed. A bucket of weight 0 gets a quota of 0: it takes
 * nothing and is emptied first, also when every weight is 0 (where Senlin divides by zero).
 * The plan lists only buckets with nodes, in the candidates' order.
 */
export function createPlan(
  current: Readonly<Record<string, number>>,
  candidates: readonly PlacementCandidate[],
  count: number,
  expand: boolean,
): PlacementPlan | null {
  const order = candidates
    .map((c, i) => ({ c, i }))
    .sort((a, b) => (expand ? b.c.weight - a.c.weight : a.c.weight - b.c.weight) || a.i - b.i)
    .map(({ c }) => c);
  const sumWeight = candidates.reduce((s, c) => s + c.weight, 0);
  const existing = candidates.reduce((s, c) => s + (Object.hasOwn(current, c.name) ? current[c.name] : 0), 0);
  const total = expand ? existing + count : existing - count;

  const plan = new Map(candidates.map((c) => [c.name, 0]));
  let remain = count;
  for (const c of order) {
    const share = sumWeight === 0 ? 0 : (total * c.weight) / sumWeight;
    const have = Object.hasOwn(current, c.name) ? current[c.name] : 0;
    let headroom: number;
    if (expand) {
      const quota = c.cap !== undefined && c.cap >= 0 ? Math.min(Math.ceil(share), c.cap) : Math.ceil(share);
      headroom = quota - have;
    } else {
      headroom = have - Math.floor(share);
    }
    if (headroom <= 0) continue;
    if (headroom < remain) {
      plan.set(c.name, headroom);
      remain -= headroom;
    } else {
      plan.set(c.name, Math.max(remain, 0));
      remain = 0;
      break;
    }
  }
  if (remain > 0) return null;
  return Object.fromEntries([...plan].filter(([, n]) => n > 0));
}

/**
 * One bucket name per node, in the plan's order: what the engine gives each new node
 * (`{R1: 2, R3: 1}` → `['R1', 'R1', 'R3']`).
 */
export const expandPlan = (plan: Readonly<PlacementPlan>): string[] =>
  Object.entries(plan).flatMap(([name, n]) => Array<string>(Math.max(0, n)).fill(name));

/** Where a node was placed, as the engine records it in `data.placement`. */
export const placementOf = (node: Pick<PolicyNode, 'data'>, key: 'region_name' | 'zone'): string | null => {
  const p = node.data.placement;
  const v = isMap(p) ? p[key] : undefined;
  return typeof v === 'string' && v !== '' ? v : null;
};

/**
 * How many members each bucket holds now (SL get_region_distribution / get_zone_distribution),
 * read from `data.placement`. Members placed nowhere, or somewhere not in `names`, count nowhere.
 */
export function distribution(
  members: readonly Pick<PolicyNode, 'data'>[],
  key: 'region_name' | 'zone',
  names: readonly string[],
): Record<string, number> {
  const dist = new Map(names.map((n) => [n, 0]));
  for (const m of members) {
    const at = placementOf(m, key);
    if (at !== null && dist.has(at)) dist.set(at, dist.get(at)! + 1);
  }
  return Object.fromEntries(dist);
}
