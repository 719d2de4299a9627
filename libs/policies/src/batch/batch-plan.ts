import type { PolicyNode } from '../policy-type';
import type { BatchProps } from './batch.properties';

/**
 * Nodes per batch for a cluster of `total` (SL _get_batch_size): all but `min_in_service` at once,
 * or half (rounded up) when the cluster is no bigger than that, then held to `max_batch_size`.
 */
export function batchSize(props: Pick<BatchProps, 'min_in_service' | 'max_batch_size'>, total: number): number {
  const size = total > props.min_in_service ? total - props.min_in_service : Math.ceil(total / 2);
  return props.max_batch_size === -1 || size < props.max_batch_size ? size : props.max_batch_size;
}

type BatchNode = Pick<PolicyNode, 'id' | 'status' | 'tainted' | 'createdAt'>;

const BAD = ['ERROR', 'WARNING'];

/**
 * The members in batches of `size` (SL _pick_nodes): broken or tainted nodes first, then nodes
 * never created, then healthy ones, each group in member order. Healthy nodes go last so the
 * first batches cost the least service.
 */
export function pickBatches(members: readonly BatchNode[], size: number): string[][] {
  const bad = members.filter((n) => BAD.includes(n.status) || n.tainted);
  const unborn = members.filter((n) => !bad.includes(n) && n.createdAt === null);
  const good = members.filter((n) => !bad.includes(n) && n.createdAt !== null);
  const ordered = [...bad, ...unborn, ...good].map((n) => n.id);
  const step = Math.max(1, size);
  const batches: string[][] = [];
  for (let start = 0; start < ordered.length; start += step) batches.push(ordered.slice(start, start + step));
  return batches;
}

/** `data.update` for a cluster update (SL _create_plan). */
export function updatePlan(props: BatchProps, members: readonly BatchNode[]): { pause_time: number; plan: string[][] } {
  if (members.length === 0) return { pause_time: props.pause_time, plan: [] };
  return { pause_time: props.pause_time, plan: pickBatches(members, batchSize(props, members.length)) };
}
