import { systemApi } from '../admin/resource-listing';
import { settleServer } from '../compute/server-state';
import type { RegionApi } from '../http/api-context';
import { settleStack } from '../orchestration/stack-lifecycle';
import type { SimulatorLogger } from '../simulator';
import type { CloudEvents, InstanceAction } from '../store/cloud-events';
import type { Caller } from '../store/identity-state';
import type { RegionState } from '../store/region-state';
import type { Server, Stack, VmState } from '../store/resources';
import type { SimulatorStore } from '../store/simulator-store';
import { stackEvent, stackPayload } from './heat-payload';
import { NotificationBus } from './notification-bus';
import { instancePayload, type Initiator, type InstancePayloadName, type PayloadOverrides } from './nova-payload';
import {
  newRequestId,
  type ContextSubject,
  osloContext,
  osloNotification,
  type NotificationPriority,
  type OutgoingMessage,
  type RequestContext,
} from './oslo-message';

/**
 * Where notifications go: a broker (`amqpUrl`, e.g. `amqp://guest:guest@127.0.0.1:5672`), or,
 * when the consumer runs in this process (all-in-one mode has no broker), `deliver`, called with
 * each message on a later turn of the event loop, as a broker would hand it over.
 */
export type NotificationOptions = ({ amqpUrl: string } | { deliver: (m: OutgoingMessage) => void }) & {
  /** Nova's control exchange. Default 'nova'. */
  novaExchange?: string;
  /** Heat's control exchange. Default 'heat'. */
  heatExchange?: string;
};

/** Nova's `[notifications] versioned_notifications_topics` and Heat's notification topic, both defaults. */
const NOVA_TOPIC = 'versioned_notifications';
const HEAT_TOPIC = 'notifications';
/** How often due transitions are settled while notifications are on. */
const SWEEP_MS = 50;

/** Somewhere for services that are not a compute host to run: nova-api, nova-conductor, heat-engine. */
const controllerOf = (region: RegionState): string => `${region.name.toLowerCase()}-controller`;

/**
 * Turns the store's events into Nova's versioned notifications and Heat's stack notifications.
 * Each payload is built at once (servers and stacks change afterwards) and handed to the bus,
 * which does the I/O later; nothing here throws into the request that caused the event.
 */
export class CloudNotifications implements CloudEvents {
  constructor(
    private readonly store: SimulatorStore,
    private readonly send: (m: OutgoingMessage) => void,
    private readonly exchanges: { nova: string; heat: string },
  ) {}

  serverAction(region: RegionState, s: Server, action: InstanceAction, at: number, by: Caller | null): void {
    const failedBuild = action === 'create' && s.vmState === 'error';
    // Nova reports a failed build before it marks the server ERROR, with the interfaces already given back.
    const overrides: PayloadOverrides = failedBuild
      ? { state: 'building', powerState: 0, taskState: null, noHost: true, fault: s.fault }
      : {};
    const payload: InstancePayloadName =
      action === 'create'
        ? 'InstanceCreatePayload'
        : action === 'rebuild'
          ? 'InstanceActionRebuildPayload'
          : 'InstanceActionPayload';
    const publisher = s.host ? `nova-compute:${s.host}` : `nova-conductor:${controllerOf(region)}`;
    this.nova(region, s, by, {
      eventType: `instance.${action}.${failedBuild ? 'error' : 'end'}`,
      priority: failedBuild ? 'ERROR' : 'INFO',
      publisher,
      payload,
      overrides,
      at,
    });
  }

  serverDeleted(region: RegionState, s: Server, at: number, by: Caller | null): void {
    // A server that never reached a host is deleted by nova-api alone, without a shutdown.
    if (s.host) {
      this.nova(region, s, by, {
        eventType: 'instance.shutdown.end',
        priority: 'INFO',
        publisher: `nova-compute:${s.host}`,
        payload: 'InstanceActionPayload',
        overrides: { taskState: 'deleting' },
        at,
      });
    }
    this.nova(region, s, by, {
      eventType: 'instance.delete.end',
      priority: 'INFO',
      publisher: s.host ? `nova-compute:${s.host}` : `nova-api:${controllerOf(region)}`,
      payload: 'InstanceActionPayload',
      overrides: { state: 'deleted', powerState: 0, taskState: null, deletedAt: at },
      at,
    });
  }

  serverStateChanged(
    region: RegionState,
    s: Server,
    before: { vmState: VmState; taskState: string | null },
    at: number,
  ): void {
    // As for an admin's reset-state: nova-api saves the new state and, with notify_on_state_change, says so.
    this.nova(region, s, null, {
      eventType: 'instance.update',
      priority: 'INFO',
      publisher: `nova-api:${controllerOf(region)}`,
      payload: 'InstanceUpdatePayload',
      overrides: { update: { oldState: before.vmState, oldTaskState: before.taskState, at } },
      at,
    });
  }

  stackSettled(region: RegionState, stack: Stack, at: number): void {
    const { eventType, priority } = stackEvent(stack);
    const owner = this.ownerOf(stack);
    // Heat acts on a stack with the context stored with it: its owner's.
    this.send(
      osloNotification({
        exchange: this.exchanges.heat,
        topic: HEAT_TOPIC,
        publisherId: `orchestration.${controllerOf(region)}`,
        eventType,
        priority,
        payload: stackPayload(stack, { userId: owner?.user.id ?? null, userName: stack.userName }),
        at,
        context: heatContext(owner, stack, region),
      }),
    );
  }

  private nova(
    region: RegionState,
    s: Server,
    by: Caller | null,
    n: {
      eventType: string;
      priority: NotificationPriority;
      publisher: string;
      payload: InstancePayloadName;
      overrides: Parameters<typeof instancePayload>[4];
      at: number;
    },
  ): void {
    const requestId = newRequestId();
    const initiator: Initiator = { requestId, userId: by?.user.id ?? null, projectId: by?.project.id ?? null };
    this.send(
      osloNotification({
        exchange: this.exchanges.nova,
        topic: NOVA_TOPIC,
        publisherId: n.publisher,
        eventType: n.eventType,
        priority: n.priority,
        payload: instancePayload(n.payload, region, s, initiator, n.overrides),
        at: n.at,
        context: novaContext(by, requestId, n.at),
      }),
    );
  }

  /** The stack's owner: the user who made it, on the stack's project. */
  private ownerOf(stack: Stack): ContextSubject | null {
    const identity = this.store.identity;
    const project = identity.projects.get(stack.projectId);
    const user = [...identity.users.values()].find((u) => u.name === stack.userName);
    if (!project || !user) return null;
    const roleNames = identity.rolesOn(user.id, project.id).map((r) => r.name);
    return { user, project, roleNames, isAdmin: roleNames.includes('admin') };
  }
}

/** Nova's RequestContext keys beyond oslo.context's. */
function novaContext(by: Caller | null, requestId: string, at: number): RequestContext {
  return {
    ...osloContext(by, requestId),
    user_id: by?.user.id ?? null,
    read_deleted: 'no',
    remote_address: null,
    timestamp: new Date(at).toISOString().replace('Z', '000'),
    quota_class: null,
    service_catalog: [],
  };
}

/** Heat's RequestContext keys beyond oslo.context's; credentials are never sent. */
function heatContext(owner: ContextSubject | null, stack: Stack, region: RegionState): RequestContext {
  return {
    ...osloContext(owner, newRequestId()),
    username: stack.userName,
    password: null,
    aws_creds: null,
    trust_id: null,
    trustor_user_id: null,
    auth_token_info: null,
    auth_url: null,
    region_name: region.name,
  };
}

/**
 * Transitions are applied when something reads them, which is enough for an API but not for a
 * notification: it should go out when the server stops or the stack fails, whether anyone looks
 * or not. So while notifications are on, everything with a transition due is settled every SWEEP_MS.
 */
export function sweepDueTransitions(store: SimulatorStore, now: number): void {
  for (const region of store.regions.values()) {
    for (const s of region.servers.values()) if (s.pending || s.deleteAt !== null) settleServer(store, region, s, now);
    let api: RegionApi | null = null;
    for (const stack of region.stacks.values())
      if (stack.status === 'IN_PROGRESS') settleStack(store, (api ??= systemApi(store, region)), stack, now);
  }
}

/** Publishing on, until the returned stop() (which flushes what is queued). */
export function startNotifications(
  store: SimulatorStore,
  o: NotificationOptions,
  logger?: SimulatorLogger,
): { stop(): Promise<void> } {
  const exchanges = { nova: o.novaExchange ?? 'nova', heat: o.heatExchange ?? 'heat' };
  const bus =
    'amqpUrl' in o
      ? new NotificationBus({ url: o.amqpUrl, exchanges: [exchanges.nova, exchanges.heat], logger })
      : null;
  const send = bus
    ? (m: OutgoingMessage) => bus.publish(m)
    : (m: OutgoingMessage) => setImmediate(() => (o as { deliver: (m: OutgoingMessage) => void }).deliver(m));
  store.events = new CloudNotifications(store, send, exchanges);
  let failing = false;
  const timer = setInterval(() => {
    try {
      sweepDueTransitions(store, Date.now());
      failing = false;
    } catch (e) {
      // A bug in a transition must not stop the others, nor flood the log.
      if (!failing) logger?.warn({ err: e instanceof Error ? e.stack : String(e) }, 'settling due transitions failed');
      failing = true;
    }
  }, SWEEP_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      store.events = null;
      await bus?.close();
    },
  };
}
