import { ADJUSTMENT_TYPES, type AdjustmentType } from '@grove/core';
import {
  Required,
  SBool,
  SCapacity,
  SEnum,
  SIdentityList,
  SMap,
  SNodeMap,
  SNonNegativeInt,
  SNumber,
  SString,
} from '../http/senlin-validators';

/**
 * The map under each verb of `POST /v1/clusters/{id}/actions` and `/ops`. Keys Senlin knows are
 * accepted at every microversion (newer ones are dropped by the service, as Senlin drops them);
 * unknown keys are refused.
 */
export class AddNodesData {
  @SIdentityList({ minItems: 1 }) nodes!: string[];
}

export class DelNodesData {
  @SIdentityList({ minItems: 1 }) nodes!: string[];
  /** From 1.4. */
  @SBool({ nullable: true }) destroy_after_deletion?: boolean | null;
  /** Grove, from 1.15: also remove nodes protected from scale-in. */
  @SBool({ nullable: true }) force?: boolean | null;
}

export class ReplaceNodesData {
  /** Old member → orphan node taking its place. */
  @SNodeMap() nodes!: Record<string, string>;
}

export class ResizeData {
  @SEnum(ADJUSTMENT_TYPES, { nullable: true }) adjustment_type?: AdjustmentType | null;
  @SNumber({ nullable: true }) number?: number | null;
  @SCapacity(0, { nullable: true }) min_size?: number | null;
  @SCapacity(-1, { nullable: true }) max_size?: number | null;
  /** Only used with CHANGE_IN_PERCENTAGE. */
  @SNonNegativeInt({ nullable: true }) min_step?: number | null;
  /** Default true. */
  @SBool({ nullable: true }) strict?: boolean | null;
}

/** scale_out and scale_in: a null count is the same as none (openstacksdk sends `{"count": null}`). */
export class ScaleData {
  @SNonNegativeInt({ nullable: true }) count?: number | null;
}

export class OperationData {
  @SMap({ nullable: true }) params?: Record<string, unknown> | null;
  /** `name`, `profile_id`, `status`, `role`: a value or a list of values each. */
  @SMap({ nullable: true }) filters?: Record<string, unknown> | null;
}

/** policy_attach: `enabled` defaults to true. */
export class PolicyAttachData {
  @Required() @SString() policy_id!: string;
  @SBool({ nullable: true }) enabled?: boolean | null;
}

export class PolicyDetachData {
  @Required() @SString() policy_id!: string;
}

export class PolicyUpdateData {
  @Required() @SString() policy_id!: string;
  @SBool({ nullable: true }) enabled?: boolean | null;
}

/** complete_lifecycle (≥1.9): the held NODE_DELETE's id, as the lifecycle hook's message gave it. */
export class CompleteLifecycleData {
  @Required() @SString() lifecycle_action_token!: string;
}
