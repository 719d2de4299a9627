import { epochSeconds, redactSecrets, wireTime } from '@grove/core';
import type { ActionEntity } from '@grove/db';
import { atLeast, type ApiVersion } from '../http/microversion';

/** `cluster_id` exists from 1.14; start and end times are float epoch seconds. */
export function toActionView(
  a: ActionEntity,
  deps: { dependsOn: string[]; dependedBy: string[] },
  v: ApiVersion,
): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: a.id,
    name: a.name,
    action: a.action,
    target: a.target,
    cause: a.cause,
    owner: a.owner,
    interval: a.interval,
    start_time: epochSeconds(a.startTime),
    end_time: epochSeconds(a.endTime),
    timeout: a.timeout,
    status: a.status,
    status_reason: a.statusReason,
    inputs: redactSecrets(a.inputs),
    outputs: redactSecrets(a.outputs),
    depends_on: deps.dependsOn,
    depended_by: deps.dependedBy,
    data: redactSecrets(a.data),
    user: a.userId,
    project: a.project,
    created_at: wireTime(a.createdAt),
    updated_at: wireTime(a.updatedAt),
  };
  if (atLeast(v, '1.14')) view.cluster_id = a.clusterId ?? '';
  return view;
}
