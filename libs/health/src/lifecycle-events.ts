/**
 * LIFECYCLE_EVENTS detection: what a Nova versioned notification or a Heat stack notification,
 * as oslo.messaging puts them on RabbitMQ, says about a node Grove made. Grove tags servers with
 * `cluster_id` / `cluster_node_id` metadata and stacks with `cluster_id=` / `cluster_node_id=`
 * tags, so a notification names its node without a lookup. Pure: the consumer is in
 * lifecycle-consumer.ts.
 */

/** A resource of a node that a notification reports failed or gone. */
export interface LifecycleFailure {
  clusterId: string;
  nodeId: string;
  /** The server or stack id: a late notice about a resource the node no longer has is ignored. */
  physicalId: string;
  /** `LIFECYCLE_EVENTS: instance.power_off.end`, for the event users read. */
  reason: string;
}

/**
 * Nova events after which a server no longer serves (Senlin's list, in Nova's versioned names), and
 * an update whose state is error: Nova's only notice for a server that turned ERROR by itself.
 */
const NOVA_FAILED = new Set([
  'instance.delete.end',
  'instance.pause.end',
  'instance.power_off.end',
  'instance.rebuild.error',
  'instance.shutdown.end',
  'instance.soft_delete.end',
  'instance.suspend.end',
]);
/** Heat events that mean a stack is gone or broken. */
const HEAT_FAILED = /^orchestration\.stack\.(delete\.end|[a-z_]+\.error)$/;

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The notification inside oslo.messaging's 2.0 envelope (or a bare one), or null. */
export function unwrapOslo(body: unknown): Record<string, unknown> | null {
  if (!isMap(body)) return null;
  if (typeof body['oslo.message'] !== 'string') return body;
  try {
    const inner: unknown = JSON.parse(body['oslo.message']);
    return isMap(inner) ? inner : null;
  } catch {
    return null;
  }
}

/** What a notification says about a Grove node, or null when it is about none or reports no failure. */
export function lifecycleFailure(body: unknown): LifecycleFailure | null {
  const n = unwrapOslo(body);
  if (!n || typeof n.event_type !== 'string') return null;
  const event = n.event_type;
  const payload = n.payload;
  if (!isMap(payload)) return null;
  if (event.startsWith('instance.')) {
    const data = payload['nova_object.data'];
    if (!isMap(data) || !isMap(data.metadata) || typeof data.uuid !== 'string') return null;
    const failed = NOVA_FAILED.has(event) || (event === 'instance.update' && data.state === 'error');
    const { cluster_id: clusterId, cluster_node_id: nodeId } = data.metadata;
    if (!failed || typeof clusterId !== 'string' || typeof nodeId !== 'string') return null;
    return { clusterId, nodeId, physicalId: data.uuid, reason: `LIFECYCLE_EVENTS: ${event}` };
  }
  if (HEAT_FAILED.test(event) && typeof payload.stack_identity === 'string' && Array.isArray(payload.tags)) {
    const tag = (key: string) =>
      (payload.tags as unknown[])
        .find((t): t is string => typeof t === 'string' && t.startsWith(`${key}=`))
        ?.slice(key.length + 1);
    const clusterId = tag('cluster_id');
    const nodeId = tag('cluster_node_id');
    if (!clusterId || !nodeId) return null;
    return { clusterId, nodeId, physicalId: payload.stack_identity, reason: `LIFECYCLE_EVENTS: ${event}` };
  }
  return null;
}
