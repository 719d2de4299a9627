import { randomUUID } from 'node:crypto';
import type { Caller } from '../store/identity-state';

export type NotificationPriority = 'INFO' | 'ERROR';

/** A request context as oslo.context's `to_dict()` lists it (a service adds its own keys). */
export type RequestContext = Record<string, unknown>;

/** One message for the broker: the exchange, the routing key and the JSON body. */
export interface OutgoingMessage {
  exchange: string;
  routingKey: string;
  body: OsloEnvelope;
}

/** The envelope oslo.messaging's rabbit driver wraps every message in (`serialize_msg`, format 2.0). */
export interface OsloEnvelope {
  'oslo.version': '2.0';
  /** The notification, with `_unique_id` and the context's `_context_<key>` entries, as a JSON string. */
  'oslo.message': string;
}

/**
 * A notification as it reaches RabbitMQ from an OpenStack service: the notifier's fields, the
 * driver's duplicate-detection id and the flattened context, all inside the 2.0 envelope. The
 * routing key is the topic and the priority (`versioned_notifications.info`, `notifications.error`).
 */
export function osloNotification(n: {
  exchange: string;
  topic: string;
  publisherId: string;
  eventType: string;
  priority: NotificationPriority;
  payload: unknown;
  at: number;
  context: RequestContext;
}): OutgoingMessage {
  const message: Record<string, unknown> = {
    message_id: randomUUID(),
    publisher_id: n.publisherId,
    event_type: n.eventType,
    priority: n.priority,
    payload: n.payload,
    timestamp: pythonUtcTimestamp(n.at),
    _unique_id: randomUUID().replace(/-/g, ''),
  };
  for (const [key, value] of Object.entries(n.context)) message[`_context_${key}`] = value;
  return {
    exchange: n.exchange,
    routingKey: `${n.topic}.${n.priority.toLowerCase()}`,
    body: { 'oslo.version': '2.0', 'oslo.message': JSON.stringify(message) },
  };
}

/** `str(datetime.utcnow())`, which oslo.messaging puts in `timestamp`: microseconds only when not zero. */
export function pythonUtcTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  const fraction = ms % 1000 === 0 ? '' : `.${iso.slice(20, 23)}000`;
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction}`;
}

/** Nova's and Heat's payload times (`isotime`): UTC to the second. */
export const isoTime = (ms: number | null): string | null =>
  ms === null ? null : `${new Date(ms).toISOString().slice(0, 19)}Z`;

export const newRequestId = (): string => `req-${randomUUID()}`;

/** Whom a request context speaks for. */
export type ContextSubject = Pick<Caller, 'user' | 'project' | 'roleNames' | 'isAdmin'>;

/**
 * oslo.context's keys for `by`, as a notifier sends them once the token is redacted away. Null is
 * the admin context a service uses for its own work (periodic tasks, cleanup): no user, no project.
 */
export function osloContext(by: ContextSubject | null, requestId: string): RequestContext {
  const userId = by?.user.id ?? null;
  const projectId = by?.project.id ?? null;
  const userDomain = by?.user.domainId ?? null;
  const projectDomain = by?.project.domainId ?? null;
  return {
    user: userId,
    project_id: projectId,
    system_scope: null,
    project: projectId,
    domain: null,
    user_domain: userDomain,
    project_domain: projectDomain,
    is_admin: by ? by.isAdmin : true,
    read_only: false,
    show_deleted: false,
    auth_token: null,
    request_id: requestId,
    global_request_id: null,
    resource_uuid: null,
    roles: by ? [...by.roleNames] : [],
    user_identity: [userId, projectId, null, userDomain, projectDomain].map((v) => v ?? '-').join(' '),
    is_admin_project: true,
    user_name: by?.user.name ?? null,
    project_name: by?.project.name ?? null,
  };
}
