import { Required, SBool, SMap, SName, SNested, SString } from '../http/senlin-validators';

export class NodeCreate {
  /** Ignored when the node joins a cluster: its name then follows the cluster's `node.name.format`. */
  @Required() @SName() name!: string;
  @Required() @SString() profile_id!: string;
  /** Empty or null: an orphan node. */
  @SString({ nullable: true }) cluster_id?: string | null;
  @SString({ nullable: true, maxLength: 64 }) role?: string | null;
  @SMap({ nullable: true }) metadata?: Record<string, unknown> | null;
}

export class NodeCreateBody {
  @SNested(() => NodeCreate, "Request body missing 'node' key.") node!: NodeCreate;
}

/** Null is allowed, as in Senlin (and Heat's node update sends it): a null name changes nothing. */
export class NodeUpdate {
  @SName({ nullable: true }) name?: string | null;
  @SString({ nullable: true }) profile_id?: string | null;
  @SString({ nullable: true, maxLength: 64 }) role?: string | null;
  @SMap({ nullable: true }) metadata?: Record<string, unknown> | null;
  /** From 1.13; dropped before. */
  @SBool({ nullable: true }) tainted?: boolean | null;
  /** Grove, from 1.15: scale-in protection (no shrink picks the node). Dropped before. */
  @SBool({ nullable: true }) protected?: boolean | null;
}

export class NodeUpdateBody {
  @SNested(() => NodeUpdate, "Malformed request data, missing 'node' key in request body.") node!: NodeUpdate;
}

/**
 * `POST /v1/nodes/adopt-preview` (from 1.7). Flat, without an envelope, as Senlin's
 * NodeAdoptPreviewRequest; openstacksdk sends null for what it was not given.
 */
export class NodeAdoptPreviewBody {
  /** The cloud resource's id (a stack's or container's name will do). */
  @Required() @SString() identity!: string;
  /** A profile type key, `os.nova.server-1.0`. */
  @Required() @SString() type!: string;
  /** Spec properties laid over what is read from the resource; a null value drops a property. */
  @SMap({ nullable: true }) overrides?: Record<string, unknown> | null;
  /** Accepted and ignored, as in Senlin, whose profiles never take the snapshot it asks for. */
  @SBool({ nullable: true }) snapshot?: boolean | null;
}

/** `POST /v1/nodes/adopt` (from 1.7): the preview's fields and what the new node is called. */
export class NodeAdoptBody extends NodeAdoptPreviewBody {
  /** `node-` and 8 random characters when not given (Senlin's default). */
  @SName({ nullable: true }) name?: string | null;
  @SString({ nullable: true, maxLength: 64 }) role?: string | null;
  @SMap({ nullable: true }) metadata?: Record<string, unknown> | null;
}
