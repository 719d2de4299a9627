import { ADJUSTMENT_TYPES, planResize, type AdjustmentType, type ResizeInputs } from '@grove/core';
import type { PolicyCluster } from './policy-type';

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** A CLUSTER_RESIZE's inputs as the api stored them, read defensively (a policy never trusts a map). */
export function resizeInputs(inputs: Readonly<Record<string, unknown>>): ResizeInputs {
  const type = inputs.adjustment_type;
  return {
    adjustment_type: ADJUSTMENT_TYPES.includes(type as AdjustmentType) ? (type as AdjustmentType) : null,
    number: num(inputs.number),
    min_size: num(inputs.min_size),
    max_size: num(inputs.max_size),
    min_step: num(inputs.min_step),
    strict: typeof inputs.strict === 'boolean' ? inputs.strict : null,
  };
}

/**
 * How many members a CLUSTER_RESIZE adds (> 0) or removes (< 0), worked out exactly as the engine's
 * resize handler will against the live member count (SL parse_resize_params), so a policy that
 * acts before the resize agrees with it. A request that no longer fits gives its reason instead;
 * the resize then fails on its own.
 */
export function resizeChange(
  cluster: Pick<PolicyCluster, 'minSize' | 'maxSize' | 'desiredCapacity' | 'members'>,
  inputs: Readonly<Record<string, unknown>>,
  maxNodesPerCluster: number,
): { delta: number } | { error: string } {
  const current = cluster.members.length;
  const plan = planResize(cluster, current, resizeInputs(inputs), maxNodesPerCluster);
  return 'error' in plan ? plan : { delta: plan.desired - current };
}
