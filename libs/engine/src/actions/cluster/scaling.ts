import { planResize, pyStr, type ResizeInputs, type SizeBounds } from '@grove/core';

/**
 * How cluster actions read what policies decided. A policy's BEFORE hook writes Senlin's keys into
 * `action.data` (`creation`, `deletion`); without one, the action's own inputs decide.
 */
type ActionData = Record<string, unknown>;

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A count a policy wrote: a whole number of zero or more (0: the policy found nothing to do). */
export function policyCount(v: unknown): number | null {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : positiveInt(v);
}

/** A flag from a free-form request map, read as Senlin's bool parsing reads it ("yes", "1", true). */
export const isTrue = (v: unknown): boolean =>
  v === true || (typeof v === 'string' && ['1', 't', 'true', 'on', 'y', 'yes'].includes(v.toLowerCase()));

/** Senlin's get_positive_int: an integer (or a string of one, as written) above zero. */
export function positiveInt(v: unknown): number | null {
  if (typeof v === 'number') return Number.isInteger(v) && v > 0 ? v : null;
  if (typeof v === 'string' && /^-?\d+$/.test(v) && String(Number(v)) === v) return Number(v) > 0 ? Number(v) : null;
  return null;
}

/** What a deletion policy decided, or the defaults when none is attached. */
export interface DeletionSettings {
  /** False: victims only leave the cluster (NODE_LEAVE) and live on as orphans. */
  destroy: boolean;
  gracePeriodS: number;
  reduceDesired: boolean;
  /** Victims a policy picked; empty when the action picks them itself. */
  candidates: string[];
  /** A count a policy computed; null when none did. */
  count: number | null;
}

/** `data.deletion` as DeletionSettings; `destroy` defaults to true (every shrink but del_nodes). */
export function deletionSettings(data: ActionData, defaultDestroy = true): DeletionSettings {
  const d = isMap(data.deletion) ? data.deletion : {};
  const grace = Number(d.grace_period ?? 0);
  return {
    destroy: typeof d.destroy_after_deletion === 'boolean' ? d.destroy_after_deletion : defaultDestroy,
    gracePeriodS: Number.isFinite(grace) && grace > 0 ? grace : 0,
    reduceDesired: d.reduce_desired_capacity !== false,
    candidates: Array.isArray(d.candidates) ? d.candidates.filter((c): c is string => typeof c === 'string') : [],
    count: policyCount(d.count),
  };
}

/** Whether a policy put a creation or deletion decision in the action's data. */
export const hasPolicyDecision = (data: ActionData): boolean => isMap(data.creation) || isMap(data.deletion);

/**
 * How many nodes a scale-out adds: a scaling policy's `data.creation.count`, else the request's
 * `count`, else 1 (SL do_scale_out).
 */
export function scaleOutCount(data: ActionData, inputs: { count?: unknown }): number | { error: string } {
  // A scaling policy with best_effort may find no room at all: count 0, nothing to add.
  if (isMap(data.creation)) return policyCount(data.creation.count) ?? 1;
  const value = inputs.count ?? 1;
  return positiveInt(value) ?? { error: `Invalid count (${pyStr(value)}) for scaling out.` };
}

/**
 * How many nodes a scale-in removes, and which ones if a policy chose: a deletion policy's
 * candidates (their number is the count) or count, else the request's `count`, else 1.
 */
export function scaleInCount(
  data: ActionData,
  inputs: { count?: unknown },
): { count: number; candidates: string[] } | { error: string } {
  if (isMap(data.deletion)) {
    const d = deletionSettings(data);
    // A count of 0 is a best-effort scaling policy that found nothing to remove.
    return { count: d.candidates.length || (d.count ?? 1), candidates: d.candidates };
  }
  const value = inputs.count ?? 1;
  const count = positiveInt(value);
  return count === null ? { error: `Invalid count (${pyStr(value)}) for scaling in.` } : { count, candidates: [] };
}

export interface ResizeTarget {
  desired: number;
  /** Null: the cluster's bound stays. */
  minSize: number | null;
  maxSize: number | null;
}

/**
 * Where a resize takes the cluster. A policy's creation or deletion count applies to the live node
 * count as is (the policy has checked it); otherwise the request is planned again here, under the
 * cluster lock, against the live count (SL parse_resize_params), and may now be refused.
 */
export function resizeTarget(
  cluster: SizeBounds,
  current: number,
  data: ActionData,
  inputs: ResizeInputs,
  maxNodesPerCluster: number,
): ResizeTarget | { error: string } {
  const minSize = inputs.min_size ?? null;
  const maxSize = inputs.max_size ?? null;
  if (isMap(data.deletion)) {
    const d = deletionSettings(data);
    return { desired: Math.max(0, current - (d.candidates.length || (d.count ?? 0))), minSize, maxSize };
  }
  if (isMap(data.creation)) return { desired: current + (policyCount(data.creation.count) ?? 0), minSize, maxSize };
  return planResize(cluster, current, inputs, maxNodesPerCluster);
}
