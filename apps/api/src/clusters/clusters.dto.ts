import { MAX_ACTION_TIMEOUT_S } from '@grove/core';
import { SBool, SCapacity, SMap, SName, SNested, SNonNegativeInt, SString, Required } from '../http/senlin-validators';

export class ClusterCreate {
  @Required() @SName() name!: string;
  @Required() @SString() profile_id!: string;
  @SCapacity(0, { nullable: true }) min_size?: number | null;
  @SCapacity(-1, { nullable: true }) max_size?: number | null;
  @SCapacity(0, { nullable: true }) desired_capacity?: number | null;
  @SNonNegativeInt({ nullable: true, max: MAX_ACTION_TIMEOUT_S }) timeout?: number | null;
  @SMap({ nullable: true }) metadata?: Record<string, unknown> | null;
  /** From 1.7. */
  @SMap({ nullable: true }) config?: Record<string, unknown> | null;
}

export class ClusterCreateBody {
  @SNested(() => ClusterCreate, "Request body missing 'cluster' key.") cluster!: ClusterCreate;
}

/** Every field may be null, as in Senlin: null changes nothing, except metadata and config, which it clears. */
export class ClusterUpdate {
  @SName({ nullable: true }) name?: string | null;
  @SString({ nullable: true }) profile_id?: string | null;
  @SNonNegativeInt({ nullable: true, max: MAX_ACTION_TIMEOUT_S }) timeout?: number | null;
  @SMap({ nullable: true }) metadata?: Record<string, unknown> | null;
  /** From 1.6. */
  @SBool({ nullable: true }) profile_only?: boolean | null;
  /** From 1.7. */
  @SMap({ nullable: true }) config?: Record<string, unknown> | null;
}

export class ClusterUpdateBody {
  @SNested(() => ClusterUpdate, "Malformed request data, missing 'cluster' key in request body.")
  cluster!: ClusterUpdate;
}
