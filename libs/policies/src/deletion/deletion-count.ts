import type { SizeBounds } from '@grove/core';
import { isMap, mapAt, positiveInt } from '../action-data';
import { resizeChange } from '../membership-change';
import type { PlacementPlan } from '../placement/placement-plan';
import type { PolicyAction } from '../policy-type';

/**
 * Nodes a resize removes from a cluster of `current` members: 0 when it grows the cluster or
 * keeps its size, or Senlin's reason when the request cannot be met.
 */
export function resizeDeletionCount(
  cluster: SizeBounds,
  current: number,
  inputs: Readonly<Record<string, unknown>>,
  maxNodesPerCluster: number,
): { count: number } | { error: string } {
  const r = resizeChange(cluster, current, inputs, maxNodesPerCluster);
  return 'error' in r ? r : { count: Math.max(0, -r.change) };
}

/** How many nodes go, and from where if placement policies said so. */
export interface DeletionTarget {
  readonly count: number;
  readonly regions: PlacementPlan | null;
  readonly zones: PlacementPlan | null;
}

const plan = (v: unknown): PlacementPlan | null =>
  isMap(v) && Object.keys(v).length > 0 ? (v as PlacementPlan) : null;

/**
 * What the deletion policy must choose victims for when the request names none (SL pre_op): the
 * decision of an earlier policy (scaling's count, placement's per-bucket plan), else a scale-in's
 * `count` (default 1), else a resize planned against the live members. Null when nothing is to be
 * removed: a resize that grows or keeps the size, or a count the request got wrong (the action's
 * handler reports that in its words).
 */
export function deletionTarget(
  action: Pick<PolicyAction, 'name' | 'inputs' | 'data'>,
  cluster: SizeBounds & { readonly members: readonly unknown[] },
  maxNodesPerCluster: number,
): DeletionTarget | { error: string } | null {
  const decided = mapAt(action.data, 'deletion');
  const count = decided?.count;
  if (decided && typeof count === 'number' && Number.isInteger(count) && count >= 0)
    return { count, regions: plan(decided.regions), zones: plan(decided.zones) };

  if (action.name === 'CLUSTER_SCALE_IN') {
    const asked = positiveInt(action.inputs.count ?? 1);
    return asked === null ? null : { count: asked, regions: null, zones: null };
  }
  if (action.name === 'CLUSTER_RESIZE') {
    const r = resizeDeletionCount(cluster, cluster.members.length, action.inputs, maxNodesPerCluster);
    if ('error' in r) return r;
    return r.count > 0 ? { count: r.count, regions: null, zones: null } : null;
  }
  return null;
}
