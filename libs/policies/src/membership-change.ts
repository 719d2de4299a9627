import { planResize, type ResizeInputs, type SizeBounds } from '@grove/core';
import { mapAt, positiveInt } from './action-data';
import type { PolicyAction } from './policy-type';

/** How many nodes an action adds (positive) or removes (negative); 0 when it changes nothing. */
export type MembershipChange = { readonly change: number } | { readonly error: string };

/**
 * What a resize does to a cluster of `current` members (SL parse_resize_params): the request is
 * planned against the live member count, as the engine's resize handler plans it, so both agree
 * on the number. An impossible request gives Senlin's reason.
 */
export function resizeChange(
  cluster: SizeBounds,
  current: number,
  inputs: Readonly<Record<string, unknown>>,
  maxNodesPerCluster: number,
): MembershipChange {
  const plan = planResize(cluster, current, inputs as ResizeInputs, maxNodesPerCluster);
  return 'error' in plan ? plan : { change: plan.desired - current };
}

/** A count an earlier policy wrote (0 is a decision too: best effort left nothing to do). */
const decided = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null);

// "No change" as -0 would surprise whoever prints or deep-compares it.
const shrinkBy = (n: number): MembershipChange => ({ change: n === 0 ? 0 : -n });

/**
 * The change a cluster action asks for, as the placement policies read it (SL _get_count): an
 * earlier policy's `creation` / `deletion` count first, then the request's `count` (default 1),
 * and for a resize the request planned against the live members. A count the request got wrong
 * reads as no change, so the action's own handler reports it in its words. Node actions and
 * actions that do not change the size read as 0.
 */
export function requestedChange(
  action: Pick<PolicyAction, 'name' | 'inputs' | 'data'>,
  cluster: SizeBounds & { readonly members: readonly unknown[] },
  maxNodesPerCluster: number,
): MembershipChange {
  const deletion = mapAt(action.data, 'deletion');
  const creation = mapAt(action.data, 'creation');
  switch (action.name) {
    case 'CLUSTER_RESIZE': {
      const removed = decided(deletion?.count);
      if (removed !== null) return shrinkBy(removed);
      const added = decided(creation?.count);
      if (added !== null) return { change: added };
      return resizeChange(cluster, cluster.members.length, action.inputs, maxNodesPerCluster);
    }
    case 'CLUSTER_SCALE_IN':
      return shrinkBy(deletion ? (decided(deletion.count ?? 1) ?? 0) : (positiveInt(action.inputs.count ?? 1) ?? 0));
    case 'CLUSTER_SCALE_OUT':
      return { change: creation ? (decided(creation.count ?? 1) ?? 0) : (positiveInt(action.inputs.count ?? 1) ?? 0) };
    default:
      return { change: 0 };
  }
}
