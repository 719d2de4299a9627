/** Senlin's action names, as they appear on the wire and in the `action` column. */
export const CLUSTER_ACTIONS = [
  'CLUSTER_CREATE',
  'CLUSTER_DELETE',
  'CLUSTER_UPDATE',
  'CLUSTER_ADD_NODES',
  'CLUSTER_DEL_NODES',
  'CLUSTER_RESIZE',
  'CLUSTER_CHECK',
  'CLUSTER_RECOVER',
  'CLUSTER_REPLACE_NODES',
  'CLUSTER_SCALE_OUT',
  'CLUSTER_SCALE_IN',
  'CLUSTER_ATTACH_POLICY',
  'CLUSTER_DETACH_POLICY',
  'CLUSTER_UPDATE_POLICY',
  'CLUSTER_OPERATION',
] as const;
export type ClusterActionName = (typeof CLUSTER_ACTIONS)[number];

export const NODE_ACTIONS = [
  'NODE_CREATE',
  'NODE_DELETE',
  'NODE_UPDATE',
  'NODE_JOIN',
  'NODE_LEAVE',
  'NODE_CHECK',
  'NODE_RECOVER',
  'NODE_OPERATION',
] as const;
export type NodeActionName = (typeof NODE_ACTIONS)[number];

export const ACTION_NAMES = [...CLUSTER_ACTIONS, ...NODE_ACTIONS] as const;
export type ActionName = ClusterActionName | NodeActionName;

export const isClusterAction = (name: string): name is ClusterActionName =>
  (CLUSTER_ACTIONS as readonly string[]).includes(name);
export const isNodeAction = (name: string): name is NodeActionName =>
  (NODE_ACTIONS as readonly string[]).includes(name);

export const ACTION_STATUSES = [
  'INIT',
  'WAITING',
  'READY',
  'RUNNING',
  'SUSPENDED',
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
  'WAITING_LIFECYCLE_COMPLETION',
] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** Statuses an action never leaves. */
export const FINAL_ACTION_STATUSES: readonly ActionStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
/** Statuses in which an action still has work ahead: it blocks conflicting requests on its target. */
export const ACTIVE_ACTION_STATUSES: readonly ActionStatus[] = [
  'READY',
  'WAITING',
  'RUNNING',
  'WAITING_LIFECYCLE_COMPLETION',
];

export const ACTION_CAUSES = ['RPC Request', 'Derived Action', 'Derived Action with Lifecycle Hook'] as const;
export type ActionCause = (typeof ACTION_CAUSES)[number];
export const CAUSE_RPC: ActionCause = 'RPC Request';
export const CAUSE_DERIVED: ActionCause = 'Derived Action';
/** A derived NODE_DELETE held for a deletion policy's lifecycle hook: it runs the BEFORE checks itself. */
export const CAUSE_DERIVED_LIFECYCLE: ActionCause = 'Derived Action with Lifecycle Hook';

/** Signals written by the api into `action.control`; the engine honours them cooperatively. */
export type ActionControl = 'CANCEL' | 'SUSPEND' | 'RESUME';
