import { mapAt } from '../action-data';
import { requestedChange } from '../membership-change';
import type { PortOptions } from '../ports';
import { allow, veto, type PolicyContext, type PolicyDecision } from '../policy-type';
import { createPlan, distribution, type PlacementCandidate } from './placement-plan';

/** What tells region placement from zone placement; the rest of their BEFORE hook is one. */
export interface PlacementKind {
  /** Key of the plan in `data.creation` / `data.deletion`. */
  readonly planKey: 'regions' | 'zones';
  /** Key in a node's `data.placement`. */
  readonly nodeKey: 'region_name' | 'zone';
  /** The spec's buckets, one per name (a later duplicate's values win, in the first one's place). */
  readonly candidates: readonly PlacementCandidate[];
  /** NODE_CREATE: the cluster profile already says where nodes go, so the policy stays out. */
  readonly pinnedByProfile: boolean;
  /** The buckets usable now (read-only, so it runs in previews too). */
  readonly usable: () => Promise<string[]>;
  /** The veto when none of the spec's buckets is usable. */
  readonly noneUsable: string;
}

/** Port options for a spec check at policy create, which has a signal but no action deadline. */
export const validationOptions = (signal: AbortSignal): PortOptions => ({
  signal,
  deadline: new Date(Date.now() + VALIDATION_TIMEOUT_MS),
});
const VALIDATION_TIMEOUT_MS = 60_000;

export const NO_FEASIBLE_PLAN = 'There is no feasible plan to handle all nodes.';

/** Later duplicates replace earlier ones in place, as a Python dict built from the list does. */
export function uniqueByName<T extends { readonly name: string }>(items: readonly T[]): T[] {
  const byName = new Map<string, T>();
  for (const item of items) byName.set(item.name, item);
  return [...byName.values()];
}

/**
 * The BEFORE hook of region and zone placement (SL pre_op): how many nodes come or go, which
 * buckets are usable, how the members are spread over them now, and the plan by weight, written
 * to `data.creation` (growing) or `data.deletion` (shrinking) beside what earlier policies put there.
 */
export async function decidePlacement(ctx: PolicyContext<unknown>, kind: PlacementKind): Promise<PolicyDecision> {
  const { action, cluster } = ctx;
  const requested =
    action.name === 'NODE_CREATE'
      ? { change: kind.pinnedByProfile ? 0 : 1 }
      : requestedChange(action, cluster, ctx.limits.maxNodesPerCluster);
  if ('error' in requested) return veto(requested.error);
  if (requested.change === 0) return allow();

  const expand = requested.change > 0;
  const count = Math.abs(requested.change);
  const usable = new Set(await kind.usable());
  const candidates = kind.candidates.filter((c) => usable.has(c.name));
  if (candidates.length === 0) return veto(kind.noneUsable);

  const current = distribution(
    cluster.members,
    kind.nodeKey,
    candidates.map((c) => c.name),
  );
  const plan = createPlan(current, candidates, count, expand);
  if (plan === null || Object.keys(plan).length === 0) return veto(NO_FEASIBLE_PLAN);

  const key = expand ? 'creation' : 'deletion';
  return allow({ [key]: { ...mapAt(action.data, key), count, [kind.planKey]: plan } });
}
