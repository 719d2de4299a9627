import { redactSecrets, wireTime } from '@grove/core';
import type { NodeEntity } from '@grove/db';
import { atLeast, GROVE_EXTENSIONS, type ApiVersion } from '../http/microversion';

/** `tainted` exists from 1.13, `protected` from 1.15; `details` only when asked for with show_details. */
export function toNodeView(
  n: NodeEntity,
  profileName: string | null,
  v: ApiVersion,
  details?: Record<string, unknown>,
  /** The node's profile spec, whose template says which stack parameters are hidden. */
  spec?: unknown,
) {
  const view: Record<string, unknown> = {
    id: n.id,
    name: n.name,
    cluster_id: n.clusterId ?? '',
    physical_id: n.physicalId,
    profile_id: n.profileId,
    profile_name: profileName,
    user: n.userId,
    project: n.project,
    domain: n.domain,
    index: n.index,
    role: n.role ?? '',
    init_at: wireTime(n.initAt),
    created_at: wireTime(n.createdAt),
    updated_at: wireTime(n.updatedAt),
    status: n.status,
    status_reason: n.statusReason,
    data: n.data,
    metadata: n.metadata,
    dependents: n.dependents,
  };
  if (atLeast(v, '1.13')) view.tainted = n.tainted;
  if (atLeast(v, GROVE_EXTENSIONS)) view.protected = n.protected;
  // The cloud's view may include a stack's parameters; credentials among them stay hidden.
  if (details !== undefined) view.details = redactSecrets(details, spec);
  return view;
}
