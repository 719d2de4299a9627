import { epochSeconds, eventLevelName, isClusterAction, isNodeAction, redactSecrets, wireTime } from '@grove/core';
import type { ActionEntity, ClusterEntity, EventEntity, EventSubjects, NodeEntity } from '@grove/db';

/**
 * Grove's notifications, modelled on Senlin's `message` event dispatcher (oslo versioned
 * notifications): every event row becomes one message on the topic exchange, routed by its
 * `event_type`. Fields may be added; a change that renames or removes one raises the version.
 */
export const NOTIFICATION_VERSION = '1.0';

export interface Notification {
  version: typeof NOTIFICATION_VERSION;
  /** The event's id: delivery is at least once, so consumers drop a message id they have seen. */
  message_id: string;
  /** `grove-engine:<host>`, as Senlin sends `senlin-engine:<host>`. */
  publisher_id: string;
  /** `cluster.<verb>.<phase>` or `node.<verb>.<phase>`, e.g. `cluster.scale_out.end`; also the routing key. */
  event_type: string;
  /** The event's level: INFO, WARN, ERROR (oslo's priorities, upper case as on its wire). */
  priority: string;
  /** When the event happened (not when it was published). */
  timestamp: string | null;
  payload: NotificationPayload;
}

export interface NotificationPayload {
  version: typeof NOTIFICATION_VERSION;
  /** The event row as `GET /v1/events/{id}` shows it. */
  event: Record<string, unknown>;
  /** Cluster events: the cluster as it is when published (Senlin's ClusterPayload fields). */
  cluster?: Record<string, unknown>;
  /** Node events: the node as it is when published (Senlin's NodePayload fields). */
  node?: Record<string, unknown>;
  /** The action that wrote the event (Senlin's ActionPayload fields); null when none did. */
  action: Record<string, unknown> | null;
}

/**
 * Senlin's verb of an event type: the action name without its object (`CLUSTER_SCALE_OUT` →
 * `scale_out`); an operation's events carry the operation's name, which is the verb.
 */
export function verbOf(action: string | null): string {
  if (!action) return 'event';
  if (isClusterAction(action) || isNodeAction(action)) return action.split('_').slice(1).join('_').toLowerCase();
  return action.toLowerCase();
}

/** `cluster.scale_out.end`: object, verb, and the phase (start, end, error) or the object's new status. */
export const eventTypeOf = (e: Pick<EventEntity, 'otype' | 'action' | 'status'>): string =>
  [e.otype.toLowerCase(), verbOf(e.action), e.status.toLowerCase()].map((p) => p.replace(/[.\s]+/g, '_')).join('.');

const clusterPayload = (c: ClusterEntity) => ({
  id: c.id,
  name: c.name,
  profile_id: c.profileId,
  init_at: wireTime(c.initAt),
  created_at: wireTime(c.createdAt),
  updated_at: wireTime(c.updatedAt),
  min_size: c.minSize,
  max_size: c.maxSize,
  desired_capacity: c.desiredCapacity,
  timeout: c.timeout,
  status: c.status,
  status_reason: c.statusReason,
  metadata: c.metadata,
  data: redactSecrets(c.data),
  user: c.userId,
  project: c.project,
  domain: c.domain,
  dependents: c.dependents,
});

const nodePayload = (n: NodeEntity) => ({
  id: n.id,
  name: n.name,
  profile_id: n.profileId,
  cluster_id: n.clusterId ?? '',
  physical_id: n.physicalId,
  index: n.index,
  role: n.role,
  init_at: wireTime(n.initAt),
  created_at: wireTime(n.createdAt),
  updated_at: wireTime(n.updatedAt),
  status: n.status,
  status_reason: n.statusReason,
  metadata: n.metadata,
  data: redactSecrets(n.data),
  user: n.userId,
  project: n.project,
  domain: n.domain,
  dependents: n.dependents,
});

const actionPayload = (a: ActionEntity) => ({
  id: a.id,
  name: a.name,
  cluster_id: a.clusterId ?? '',
  created_at: wireTime(a.createdAt),
  target: a.target,
  action: a.action,
  cause: a.cause,
  start_time: epochSeconds(a.startTime),
  end_time: epochSeconds(a.endTime),
  timeout: a.timeout,
  status: a.status,
  status_reason: a.statusReason,
  inputs: redactSecrets(a.inputs),
  outputs: redactSecrets(a.outputs),
  data: redactSecrets(a.data),
  user: a.userId,
  project: a.project,
});

const eventView = (e: EventEntity) => ({
  id: e.id,
  timestamp: wireTime(e.timestamp),
  oid: e.oid,
  oname: e.oname,
  otype: e.otype,
  cluster_id: e.clusterId ?? '',
  level: eventLevelName(e.level),
  user: e.userId,
  project: e.project,
  action: e.action,
  status: e.status,
  status_reason: e.statusReason,
  meta_data: e.metaData,
});

/**
 * The notification of one event. The objects are read when the event is published, a moment
 * after it was written; one deleted by then (a node whose delete just ended) is given by what the
 * event knows of it: its id, name and cluster.
 */
export function toNotification(e: EventEntity, subjects: EventSubjects, publisherId: string): Notification {
  const payload: NotificationPayload = {
    version: NOTIFICATION_VERSION,
    event: eventView(e),
    action: e.actionId && subjects.actions.has(e.actionId) ? actionPayload(subjects.actions.get(e.actionId)!) : null,
  };
  if (e.otype === 'CLUSTER') {
    const c = subjects.clusters.get(e.oid);
    payload.cluster = c ? clusterPayload(c) : { id: e.oid, name: e.oname };
  } else {
    const n = subjects.nodes.get(e.oid);
    payload.node = n ? nodePayload(n) : { id: e.oid, name: e.oname, cluster_id: e.clusterId ?? '' };
  }
  return {
    version: NOTIFICATION_VERSION,
    message_id: e.id,
    publisher_id: publisherId,
    event_type: eventTypeOf(e),
    priority: eventLevelName(e.level),
    timestamp: wireTime(e.timestamp),
    payload,
  };
}
