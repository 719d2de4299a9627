import { CLUSTER_ACTIONS } from '@grove/core';
import { RECEIVER_TYPES, type ReceiverType } from '@grove/db';
import { Required, SEnum, SJsonMap, SName, SNested, SString } from '../http/senlin-validators';

export class ReceiverCreate {
  @Required() @SName() name!: string;
  @Required() @SEnum(RECEIVER_TYPES) type!: ReceiverType;
  /** Webhooks only: the cluster (id, name or short id). */
  @SString({ nullable: true }) cluster_id?: string | null;
  /** Webhooks only: the cluster action a trigger starts. */
  @SEnum(CLUSTER_ACTIONS, { nullable: true }) action?: string | null;
  /** Accepted and ignored: Grove has no Keystone trusts to record. */
  @SJsonMap() actor?: Record<string, unknown> | null;
  /** The action's inputs, overlaid by what a trigger sends. */
  @SJsonMap() params?: Record<string, unknown> | null;
  /** Grove, from 1.15: the key signed webhooks are signed with (below 1.15 the field is unknown). */
  @SString() secret?: string;
}

export class ReceiverCreateBody {
  @SNested(() => ReceiverCreate, "Request body missing 'receiver' key.") receiver!: ReceiverCreate;
}

export class ReceiverUpdate {
  @SName({ nullable: true }) name?: string | null;
  @SEnum(CLUSTER_ACTIONS, { nullable: true }) action?: string | null;
  @SJsonMap() params?: Record<string, unknown> | null;
}

export class ReceiverUpdateBody {
  @SNested(() => ReceiverUpdate, "Malformed request data, missing 'receiver' key in request body.")
  receiver!: ReceiverUpdate;
}
