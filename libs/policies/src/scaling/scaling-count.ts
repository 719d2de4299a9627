import { checkSizeParams, pyStr, type SizeBounds } from '@grove/core';
import { positiveInt } from '../action-data';
import { adjustmentOf, type ScalingAdjustment, type ScalingEvent, type ScalingProps } from './scaling.properties';

/**
 * Seconds left of the policy's cooldown after the scaling action that ended at `lastOp`; 0 when
 * none is left, or the binding never scaled. The engine's BEFORE hook and the api's request-time
 * check (409 ActionCooldown) both use it, so they cannot disagree.
 */
export function cooldownRemaining(props: Pick<ScalingProps, 'adjustment'>, lastOp: Date | null, now: Date): number {
  const { cooldown } = adjustmentOf(props);
  if (lastOp === null || cooldown <= 0) return 0;
  const left = cooldown - (now.getTime() - lastOp.getTime()) / 1000;
  return left > 0 ? left : 0;
}

/**
 * Nodes the adjustment asks for when the request names no count, from the current member count
 * (SL _calculate_adjustment_count). EXACT_CAPACITY gives the distance to the size (negative when
 * the cluster is already past it, which the caller refuses); a percentage is truncated, then
 * raised to min_step.
 */
export function adjustmentCount(adj: ScalingAdjustment, event: ScalingEvent, current: number): number {
  if (adj.type === 'EXACT_CAPACITY') return event === 'CLUSTER_SCALE_IN' ? current - adj.number : adj.number - current;
  if (adj.type === 'CHANGE_IN_CAPACITY') return adj.number;
  const count = Math.trunc((adj.number * current) / 100);
  return count < adj.min_step ? adj.min_step : count;
}

export interface ScalingRequest {
  readonly event: ScalingEvent;
  /** The request's `count`; null or undefined when it named none. */
  readonly count: unknown;
  readonly cluster: SizeBounds;
  /** Members now. */
  readonly current: number;
  readonly maxNodesPerCluster: number;
}

/**
 * How many nodes a scaling action adds or removes (SL ScalingPolicy.pre_op): the request's count,
 * else the adjustment's; it must be a positive integer. With best_effort the count shrinks to what
 * the size limits leave (never below 0: a cluster already at its limit scales by nothing) and the
 * limits are not enforced; otherwise a count that breaks them is refused in Senlin's words.
 */
export function scalingCount(adj: ScalingAdjustment, req: ScalingRequest): { count: number } | { error: string } {
  const value = req.count ?? adjustmentCount(adj, req.event, req.current);
  const asked = positiveInt(value);
  if (asked === null) return { error: `Invalid count (${pyStr(value)}) for action '${req.event}'.` };

  const { cluster, current, maxNodesPerCluster } = req;
  const scaleIn = req.event === 'CLUSTER_SCALE_IN';
  const maxSize = cluster.maxSize === -1 ? maxNodesPerCluster : cluster.maxSize;
  const room = scaleIn ? current - cluster.minSize : maxSize - current;
  const count = adj.best_effort ? Math.max(0, Math.min(asked, room)) : asked;
  const desired = scaleIn ? current - count : current + count;
  const error = checkSizeParams({ cluster, desired, strict: !adj.best_effort, maxNodesPerCluster });
  return error === null ? { count } : { error };
}
