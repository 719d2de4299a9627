import type { AdjustmentType } from '../cluster-size/cluster-size';
import type { ActionName } from './action';

/**
 * What each action carries in `inputs`: written by the api for user requests and by cluster
 * actions for their children, read by the engine's handlers. Keys are Senlin's, because
 * `openstack cluster action show` displays them. Add fields freely; never rename one.
 */
export interface ActionInputs {
  CLUSTER_CREATE: Record<string, never>;
  CLUSTER_DELETE: { force?: boolean };
  /** Only what changes is present. `new_profile_id` rolls a new profile over the members (NODE_UPDATE each) unless `profile_only`. */
  CLUSTER_UPDATE: {
    name?: string;
    metadata?: Record<string, unknown>;
    timeout?: number;
    config?: Record<string, unknown>;
    new_profile_id?: string;
    profile_only?: boolean;
  };
  /** Ids of orphan ACTIVE nodes to make members (NODE_JOIN each); desired_capacity grows by their number. */
  CLUSTER_ADD_NODES: { nodes: string[] };
  /** Members to remove: NODE_DELETE each when destroying, else NODE_LEAVE (they become orphans). */
  CLUSTER_DEL_NODES: { candidates: string[]; count: number; destroy_after_deletion: boolean };
  /** Nulls are kept as the user sent them (the OSC CLI sends all six keys). */
  CLUSTER_RESIZE: {
    adjustment_type: AdjustmentType | null;
    number: number | null;
    min_size: number | null;
    max_size: number | null;
    min_step: number | null;
    strict: boolean;
  };
  /** Without `count`, the count comes from a scaling policy, else 1. */
  CLUSTER_SCALE_OUT: { count?: number };
  CLUSTER_SCALE_IN: { count?: number };
  /** Any map the user sent; `delete_check_action` purges older finished checks first. */
  CLUSTER_CHECK: Record<string, unknown>;
  CLUSTER_RECOVER: {
    operation?: 'REBOOT' | 'REBUILD' | 'RECREATE';
    operation_params?: Record<string, unknown>;
    check?: boolean;
    check_capacity?: boolean;
  };
  /** Old member id → orphan node id taking its place. */
  CLUSTER_REPLACE_NODES: { candidates: Record<string, string> };
  CLUSTER_ATTACH_POLICY: { policy_id: string; enabled: boolean };
  CLUSTER_DETACH_POLICY: { policy_id: string };
  CLUSTER_UPDATE_POLICY: { policy_id: string; enabled?: boolean };
  /** A profile operation run on the selected members (NODE_OPERATION each). */
  CLUSTER_OPERATION: { operation: string; params: Record<string, unknown>; nodes: string[] };

  NODE_CREATE: Record<string, never>;
  NODE_DELETE: { force?: boolean };
  NODE_UPDATE: {
    name?: string;
    role?: string;
    metadata?: Record<string, unknown>;
    tainted?: boolean;
    /** Grove: scale-in protection. */
    protected?: boolean;
    new_profile_id?: string;
  };
  /** The node becomes a member of `cluster_id` (its index is taken when the join runs). */
  NODE_JOIN: { cluster_id: string };
  NODE_LEAVE: Record<string, never>;
  NODE_CHECK: Record<string, unknown>;
  NODE_RECOVER: {
    operation?: 'REBOOT' | 'REBUILD' | 'RECREATE';
    operation_params?: Record<string, unknown>;
    check?: boolean;
    delete_timeout?: number;
    force_recreate?: boolean;
  };
  NODE_OPERATION: { operation: string; params: Record<string, unknown> };
}

export type InputsOf<N extends ActionName> = ActionInputs[N];
