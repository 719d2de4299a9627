import { wireTime } from '@grove/core';
import type { ReceiverEntity } from '@grove/db';
import { atLeast, GROVE_EXTENSIONS, type ApiVersion } from '../http/microversion';

/**
 * A receiver as Senlin shows it. `actor` is what Grove holds ({}: there is no Keystone trust to
 * name); from 1.15 `signed` says whether triggers must be signed. The secret itself never leaves.
 */
export function toReceiverView(r: ReceiverEntity, v: ApiVersion): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: r.id,
    name: r.name,
    type: r.type,
    user: r.userId,
    project: r.project,
    domain: r.domain,
    cluster_id: r.clusterId,
    action: r.action,
    actor: r.actor,
    params: r.params,
    channel: r.channel,
    created_at: wireTime(r.createdAt),
    updated_at: wireTime(r.updatedAt),
  };
  if (atLeast(v, GROVE_EXTENSIONS)) view.signed = r.secret !== null;
  return view;
}
