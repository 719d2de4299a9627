import { CLUSTER_ACTIONS, type ActionName } from '@grove/core';

/**
 * Actions that may simply run again when a run of theirs was cut off (its engine died, or the
 * database failed under it mid-step): cluster actions commit each step atomically, and these node
 * actions are idempotent (a create first adopts what it already made). The others fail with a
 * reason, because running them twice could do harm (a second reboot, a half-applied update).
 */
const RUN_AGAIN: ReadonlySet<ActionName> = new Set<ActionName>([
  // Cluster actions write each step in one transaction, and their policies' cloud calls are safe to
  // repeat (a load-balancer member is added once per address). Attaching and detaching a policy
  // are not: a second load balancer would be built, or a half-deleted one left.
  ...CLUSTER_ACTIONS.filter((a) => a !== 'CLUSTER_ATTACH_POLICY' && a !== 'CLUSTER_DETACH_POLICY'),
  'NODE_CREATE',
  'NODE_DELETE',
  'NODE_CHECK',
  'NODE_JOIN',
  'NODE_LEAVE',
]);

export const safeToRunAgain = (a: ActionName): boolean => RUN_AGAIN.has(a);
