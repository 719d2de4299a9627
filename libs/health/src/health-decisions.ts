/**
 * The health manager's pure decisions: which nodes a round checks, how the modes' verdicts combine,
 * and what a recovery asks the engine for. No I/O here, so each rule has its unit test.
 */

/** A mode's verdict on one node: failed (with why), healthy, or no verdict (it could not tell). */
export type Verdict = { failed: true; reason: string } | { failed: false } | null;

export interface CheckedNode {
  status: string;
  /** When the node last changed; a node changed within node_update_timeout is left alone. */
  changedAt: Date;
}

/** Node statuses a check looks at: the others are busy with an action, which owns the node. */
const CHECKED_STATUSES = new Set(['ACTIVE', 'ERROR', 'WARNING']);

/**
 * Whether a round checks the node: not while an action works on it (its status says so), and not
 * within `nodeUpdateTimeoutS` of its last change, as Senlin leaves a node that may still be busy.
 */
export function isCheckable(node: CheckedNode, nodeUpdateTimeoutS: number, now: Date): boolean {
  return CHECKED_STATUSES.has(node.status) && now.getTime() - node.changedAt.getTime() >= nodeUpdateTimeoutS * 1000;
}

/**
 * Senlin's recovery_conditional over the verdicts of a node's modes: ANY_FAILED when one mode found
 * it failed, ALL_FAILED when every mode that gave a verdict did (and at least one did). The reason
 * names the modes.
 */
export function combine(
  verdicts: { mode: string; verdict: Verdict }[],
  conditional: string,
): { failed: false } | { failed: true; reason: string } {
  const given = verdicts.filter((v) => v.verdict !== null);
  const failed = given.filter((v) => v.verdict?.failed);
  const isFailed =
    conditional === 'ALL_FAILED' ? given.length > 0 && failed.length === given.length : failed.length > 0;
  if (!isFailed) return { failed: false };
  return {
    failed: true,
    reason: failed.map((v) => `${v.mode}: ${(v.verdict as { reason: string }).reason}`).join('; '),
  };
}

/** The binding parameters the health manager reads, as healthRegistration writes them. */
export interface HealthParams {
  interval?: number;
  node_update_timeout?: number;
  recovery_conditional?: string;
  node_delete_timeout?: number;
  node_force_recreate?: boolean;
  recover_action?: { name: string; params?: Record<string, unknown> }[];
  /** COMPUTE: the old server is force-deleted (fenced off its host) before a RECREATE. */
  fencing?: string[];
  /** Senlin's flattened detection modes, with the poll-URL options of each. */
  detection_modes?: ({ type: string } & Record<string, unknown>)[];
  /** Grove (1.15): a count or a percentage of the members. */
  max_unhealthy?: string;
}

/**
 * The inputs of the NODE_RECOVER the health manager asks for: the policy's first recovery action
 * (RECREATE when it names none) with its params, `fence_compute` when the policy fences COMPUTE (as
 * Senlin passes it), its delete timeout and force flag, and no re-check: the health manager has
 * just checked.
 */
export function recoverInputs(p: HealthParams): Record<string, unknown> {
  const first = p.recover_action?.[0];
  const inputs: Record<string, unknown> = { operation: first?.name ?? 'RECREATE' };
  const params = { ...first?.params, ...(p.fencing?.includes('COMPUTE') ? { fence_compute: true } : {}) };
  if (Object.keys(params).length) inputs.operation_params = params;
  if (p.node_delete_timeout !== undefined) inputs.delete_timeout = p.node_delete_timeout;
  if (p.node_force_recreate !== undefined) inputs.force_recreate = p.node_force_recreate;
  return inputs;
}

/**
 * How many more repairs may start now. Nodes in repair are out of service, so at once there are
 * at most as many as the cluster can lose and stay at its min_size (at least one, so a cluster at
 * its floor still heals, a node at a time), and no more than `cap` (Grove's max_unhealthy as a
 * count) when it is set. The failed nodes beyond the slots wait for a later round.
 */
export function repairSlots(o: { members: number; minSize: number; inRepair: number; cap: number | null }): number {
  const bound = Math.min(Math.max(o.members - o.minSize, 1), o.cap ?? Infinity);
  return Math.max(bound - o.inRepair, 0);
}
