import { Required, SBool, SMap, SName, SNested, SString } from '../http/senlin-validators';

export class NodeCreate {
  /** Ignored when the node joins a cluster: its name then follows the cluster's `node.name.format`. */
  @Required() @SName() name!: string;
  @Required() @SString() profile_id!: string;
  /** Empty or null: an orphan node. */
  @SString({ nullable: true }) cluster_id?: string | null;
  @SString({ nullable: true }) role?: string | null;
  @SMap({ nullable: true }) metadata?: Record<string, unknown> | null;
}

export class NodeCreateBody {
  @SNested(() => NodeCreate, "Request body missing 'node' key.") node!: NodeCreate;
}

export class NodeUpdate {
  @SName() name?: string;
  @SString({ nullable: true }) profile_id?: string | null;
  @SString({ nullable: true }) role?: string | null;
  @SMap({ nullable: true }) metadata?: Record<string, unknown> | null;
  /** From 1.13; dropped before. */
  @SBool({ nullable: true }) tainted?: boolean | null;
  /** Grove, from 1.15: scale-in protection (no shrink picks the node). Dropped before. */
  @SBool({ nullable: true }) protected?: boolean | null;
}

export class NodeUpdateBody {
  @SNested(() => NodeUpdate, "Malformed request data, missing 'node' key in request body.") node!: NodeUpdate;
}
