import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  counter,
  EVENT_LEVELS,
  gauge,
  histogram,
  inParallel,
  maxUnhealthyOf,
  newId,
  ROOT_LOGGER,
  type Logger,
} from '@grove/core';
import {
  ActionRepository,
  ClusterRepository,
  EventRepository,
  HealthRegistryRepository,
  NodeRepository,
  ServiceRepository,
  type ClusterEntity,
  type HealthRegistryEntity,
  type NodeEntity,
} from '@grove/db';
import { EngineClient } from '@grove/rpc';
import { combine, isCheckable, recoverInputs, repairSlots, type HealthParams, type Verdict } from './health-decisions';
import { HEALTH_OPTIONS, type HealthOptions } from './health-lifecycle';
import { LifecycleConsumer } from './lifecycle-consumer';
import { pollNode, type PollUrlMode } from './poll-url';
import type { LifecycleFailure } from './lifecycle-events';

/** How often the loop looks for due checks; a check's interval is counted from its last start. */
const TICK_MS = 1_000;
/** URL polls at once for one cluster, and the longest a round of them may take. */
const POLLS_AT_ONCE = 16;
const POLL_ROUND_MS = 120_000;
/** Clusters checked at once by one instance. */
const CHECKS_AT_ONCE = 16;

const checks = counter('grove_health_checks_total', 'Node checks by detection mode and outcome.', [
  'mode',
  'outcome',
] as const);
const recoveries = counter(
  'grove_health_recoveries_total',
  'Nodes found failed, by what was done: recovering, or skipped (an action already on its way, a lock).',
  ['outcome'] as const,
);
const heldBackRepairs = counter(
  'grove_health_repairs_held_back_total',
  'Failed nodes not repaired because more were unhealthy than max_unhealthy allows (counted when a hold begins or changes).',
  [] as const,
);
const detectionToRecovery = histogram(
  'grove_health_detection_to_recovery_seconds',
  'From a health check finding a node failed to its recovery ending, by how it ended.',
  ['outcome'],
  [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600],
);
/** How often the ends of recoveries this instance asked for are looked up, for the histogram above. */
const RECOVERY_WATCH_MS = 2_000;
const lag = histogram(
  'grove_health_check_lag_seconds',
  'How late a cluster check started after it was due.',
  [],
  [0.1, 0.5, 1, 2, 5, 10, 30, 60],
);

/** A registered cluster this instance holds, and when its next check is due. */
interface Held {
  reg: HealthRegistryEntity;
  dueAt: number;
  running: boolean;
}

/**
 * The health manager's work: it holds registered clusters by lease (several instances split them;
 * a dead one's leases run out and the others take them within one lease period), checks each held
 * cluster every `interval` seconds by its detection modes, and asks the engine to recover the
 * nodes found failed. Every decision is an event on the node.
 */
@Injectable()
export class HealthManager implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly held = new Map<string, Held>();
  private timer: NodeJS.Timeout | null = null;
  private lastLease = 0;
  private running = 0;
  private stopped = false;
  private leasing: Promise<void> | null = null;
  private lifecycle: LifecycleConsumer | null = null;
  /** Recoveries asked for and not yet seen ended: action id → when the failure was found. */
  private readonly pendingRecoveries = new Map<string, number>();
  /** Failures notifications reported that wait for a repair slot, by cluster and node: tried again every tick. */
  private readonly waitingNotices = new Map<string, Map<string, LifecycleFailure>>();
  /** Clusters whose notices are being acted on, so that two notices never start repairs past the bound. */
  private readonly actingOnNotices = new Set<string>();
  /** The failed nodes a cluster's last round left waiting, so the event says so once per change. */
  private readonly lastWaiting = new Map<string, string>();
  private lastWatch = 0;

  constructor(
    @Inject(HEALTH_OPTIONS) private readonly o: HealthOptions,
    @Inject(ROOT_LOGGER) private readonly log: Logger,
    private readonly registry: HealthRegistryRepository,
    private readonly services: ServiceRepository,
    private readonly nodes: NodeRepository,
    private readonly clusters: ClusterRepository,
    private readonly events: EventRepository,
    private readonly actions: ActionRepository,
    private readonly engine: EngineClient,
  ) {
    gauge('grove_health_registered_clusters', 'Clusters registered for health checks.', () => this.registry.count());
    gauge('grove_health_held_clusters', 'Registered clusters this health-manager holds.', () => this.held.size);
    gauge('grove_health_checks_overdue_seconds', 'How far the most overdue check of this instance is behind.', () =>
      this.overdueS(),
    );
  }

  /** The lease: the dead-after window, so that a dead instance's clusters move when it is taken for dead. */
  private get leaseS(): number {
    return this.o.config.SERVICE_DEAD_AFTER_S;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
    this.tick();
    const url = this.o.config.HEALTH_NOTIFICATIONS_AMQP_URL ?? this.o.config.AMQP_URL;
    const local = this.o.config.HEALTH_NOTIFICATIONS_AMQP_URL ? undefined : this.o.localNotifications;
    const source = local ? { local } : url ? { amqpUrl: url } : null;
    if (!source)
      this.log.warn(
        'no notifications to read (HEALTH_NOTIFICATIONS_AMQP_URL and AMQP_URL unset): LIFECYCLE_EVENTS finds nothing',
      );
    if (source) {
      this.lifecycle = new LifecycleConsumer({
        source,
        novaExchange: this.o.config.HEALTH_NOVA_EXCHANGE,
        heatExchange: this.o.config.HEALTH_HEAT_EXCHANGE,
        log: this.log,
        onFailure: (f) => this.onLifecycleFailure(f),
      });
      this.lifecycle.start();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.lifecycle?.stop();
    await this.leasing?.catch(() => undefined);
    await this.registry.releaseAll(this.o.serviceId).catch(() => undefined);
  }

  /** The clusters this instance holds (for its metrics and tests). */
  heldClusters(): string[] {
    return [...this.held.keys()];
  }

  private tick(): void {
    if (this.stopped) return;
    const now = Date.now();
    if (!this.leasing && now - this.lastLease >= (this.leaseS * 1000) / 3) {
      this.lastLease = now;
      this.leasing = this.leaseRound()
        .catch((e: unknown) => this.log.warn({ err: e }, 'health lease round failed; the next one tries again'))
        .finally(() => (this.leasing = null));
    }
    this.startDue();
    for (const clusterId of this.waitingNotices.keys())
      this.actOnNotices(clusterId).catch((e: unknown) =>
        this.log.warn({ err: e, clusterId }, 'waiting lifecycle notices could not be acted on'),
      );
    if (this.pendingRecoveries.size && now - this.lastWatch >= RECOVERY_WATCH_MS) {
      this.lastWatch = now;
      this.watchRecoveries().catch((e: unknown) => this.log.warn({ err: e }, 'could not read recoveries’ ends'));
    }
  }

  /** Records, for the recoveries that ended since, how long they took from detection. */
  private async watchRecoveries(): Promise<void> {
    const ended = (await this.actions.getByIds([...this.pendingRecoveries.keys()])).filter((a) =>
      ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(a.status),
    );
    for (const a of ended) {
      const foundAt = this.pendingRecoveries.get(a.id)!;
      this.pendingRecoveries.delete(a.id);
      const end = a.endTime?.getTime() ?? Date.now();
      detectionToRecovery.observe({ outcome: a.status.toLowerCase() }, Math.max(end - foundAt, 0) / 1000);
    }
  }

  /**
   * Starts the checks that are due, the longest overdue first, as far as the slots allow; each
   * check that ends starts the next at once, so throughput is bounded by the checks themselves,
   * not by the tick, and no cluster waits behind others that keep coming due.
   */
  private startDue(): void {
    if (this.stopped || this.running >= CHECKS_AT_ONCE) return;
    const now = Date.now();
    const due = [...this.held.values()]
      .filter((h) => !h.running && h.dueAt <= now && h.reg.enabled)
      .sort((a, b) => a.dueAt - b.dueAt)
      .slice(0, CHECKS_AT_ONCE - this.running);
    for (const h of due) {
      h.running = true;
      this.running++;
      lag.observe((now - h.dueAt) / 1000);
      h.dueAt = now + Math.max(h.reg.interval, 1) * 1000;
      void this.checkCluster(h.reg)
        .catch((e: unknown) => this.log.warn({ err: e, clusterId: h.reg.clusterId }, 'a health check failed'))
        .finally(() => {
          h.running = false;
          this.running--;
          this.startDue();
        });
    }
  }

  /** How far the most overdue held check is behind its interval, in seconds (0 when none is). */
  private overdueS(): number {
    const now = Date.now();
    let worst = 0;
    for (const h of this.held.values()) if (!h.running && h.reg.enabled) worst = Math.max(worst, now - h.dueAt);
    return worst / 1000;
  }

  private async leaseRound(): Promise<void> {
    const instances = await this.services.countLive('grove-health-manager', this.leaseS);
    const regs = await this.registry.leaseRound(this.o.serviceId, this.leaseS, instances);
    const now = Date.now();
    const seen = new Set<string>();
    for (const reg of regs) {
      seen.add(reg.clusterId);
      const h = this.held.get(reg.clusterId);
      if (h) h.reg = reg;
      else {
        this.held.set(reg.clusterId, { reg, dueAt: now, running: false });
        this.log.info({ clusterId: reg.clusterId }, 'health-manager took the cluster');
      }
    }
    for (const id of [...this.held.keys()])
      if (!seen.has(id)) {
        this.held.delete(id);
        this.lastWaiting.delete(id);
      }
  }

  /** One round of checks of a cluster, and a recovery asked for each node found failed. */
  private async checkCluster(held: HealthRegistryEntity): Promise<void> {
    // Read afresh: a user's shrink or update pauses the checks (its BEFORE hook) between leases.
    const reg = await this.registry.get(held.clusterId);
    if (!reg?.enabled) return;
    const params = reg.params as HealthParams;
    const now = new Date();
    const members = await this.nodes.members(reg.clusterId);
    const checkable = members.filter((n) =>
      isCheckable(
        { status: n.status, changedAt: n.updatedAt ?? n.createdAt ?? n.initAt },
        params.node_update_timeout ?? 300,
        now,
      ),
    );
    if (!checkable.length) return;
    const byMode = new Map<string, Record<string, Verdict>>();
    for (const mode of reg.checkTypes) byMode.set(mode, await this.detect(mode, checkable, params));
    const failed: { node: NodeEntity; reason: string }[] = [];
    for (const node of checkable) {
      const verdict = combine(
        reg.checkTypes.map((mode) => ({ mode, verdict: byMode.get(mode)?.[node.id] ?? null })),
        params.recovery_conditional ?? 'ANY_FAILED',
      );
      if (verdict.failed) failed.push({ node, reason: verdict.reason });
    }
    await this.repair(reg.clusterId, params, members, failed);
  }

  /**
   * Repairs the failed nodes, unless more are unhealthy than max_unhealthy allows (then none), in
   * bounded batches: as many as repairSlots allows start now, and the rest wait. An event says why
   * nodes wait, once for each change in which wait. Returns the ids of the nodes left waiting.
   */
  private async repair(
    clusterId: string,
    params: HealthParams,
    members: NodeEntity[],
    failed: { node: NodeEntity; reason: string }[],
  ): Promise<Set<string>> {
    const cluster = failed.length ? await this.clusters.getById(clusterId) : null;
    if (!cluster) {
      this.lastWaiting.delete(clusterId);
      return new Set();
    }
    const heldBack = this.overCap(params, members, failed.length);
    if (heldBack) {
      await this.waitEvent(cluster, failed, heldBack, 'REPAIRS_HELD_BACK');
      return new Set(failed.map((f) => f.node.id));
    }
    // Under way: nodes RECOVERING, and those whose recovery is asked for and not yet begun, by any instance.
    const inRepair = new Set(members.filter((n) => n.status === 'RECOVERING').map((n) => n.id));
    for (const id of await this.actions.recoveringNodes(clusterId)) inRepair.add(id);
    const cap = params.max_unhealthy === undefined ? null : maxUnhealthyOf(params.max_unhealthy, members.length);
    const todo = failed.filter((f) => !inRepair.has(f.node.id));
    const slots = repairSlots({ members: members.length, minSize: cluster.minSize, inRepair: inRepair.size, cap });
    for (const f of todo.slice(0, slots)) await this.recover(f.node, f.reason, params);
    const waiting = todo.slice(slots);
    const reason =
      `${waiting.length} failed node(s) wait for a repair slot: ${inRepair.size + Math.min(slots, todo.length)} ` +
      `in repair, at most ${inRepair.size + slots} at once (min_size ${cluster.minSize} of ${members.length} nodes` +
      `${cap === null ? '' : `, max_unhealthy ${params.max_unhealthy}`}).`;
    await this.waitEvent(cluster, waiting, reason, 'REPAIRS_WAITING');
    return new Set(waiting.map((f) => f.node.id));
  }

  /** The event (and log line) for nodes that wait, unless the same nodes waited for the same reason last time. */
  private async waitEvent(
    cluster: ClusterEntity,
    waiting: { node: NodeEntity }[],
    reason: string,
    status: 'REPAIRS_HELD_BACK' | 'REPAIRS_WAITING',
  ): Promise<void> {
    const key = waiting.length ? `${status}:${waiting.map((f) => f.node.id).join(',')}` : '';
    if (key === (this.lastWaiting.get(cluster.id) ?? '')) return;
    if (!key) return void this.lastWaiting.delete(cluster.id);
    this.lastWaiting.set(cluster.id, key);
    if (status === 'REPAIRS_HELD_BACK') heldBackRepairs.inc(waiting.length);
    const level = status === 'REPAIRS_HELD_BACK' ? 'WARN' : 'INFO';
    this.log[level === 'WARN' ? 'warn' : 'info'](
      { clusterId: cluster.id, waiting: waiting.map((f) => f.node.id) },
      reason,
    );
    await this.record(
      { id: cluster.id, name: cluster.name, type: 'CLUSTER', clusterId: cluster.id, owner: cluster },
      { level, action: 'CLUSTER_RECOVER', status, reason },
      { unhealthy: waiting.map((f) => f.node.id) },
    );
  }

  /**
   * Grove's max_unhealthy: when more members are unhealthy than it allows (those found failed now
   * and those still recovering), a partition or a cloud outage is more likely than so many broken
   * nodes, and repairing them all could take the whole cluster down: nothing is repaired. Under
   * the cap, at most that many repairs run at once. Returns why repairs are held back, or null.
   */
  private overCap(params: HealthParams, members: NodeEntity[], failed: number): string | null {
    if (params.max_unhealthy === undefined) return null;
    const cap = maxUnhealthyOf(params.max_unhealthy, members.length);
    if (cap === null) return null;
    const recovering = members.filter((n) => n.status === 'RECOVERING').length;
    if (failed + recovering <= cap) return null;
    return (
      `${failed + recovering} of ${members.length} nodes are unhealthy (${failed} found failed, ${recovering} recovering), ` +
      `more than max_unhealthy ${params.max_unhealthy} allows (${cap}); no repair started.`
    );
  }

  /**
   * A notification says a node's server or stack failed or went (LIFECYCLE_EVENTS): acted on at
   * once, and while it waits for a repair slot, again at every tick.
   */
  private async onLifecycleFailure(f: LifecycleFailure): Promise<void> {
    const waiting = this.waitingNotices.get(f.clusterId) ?? new Map<string, LifecycleFailure>();
    this.waitingNotices.set(f.clusterId, waiting.set(f.nodeId, f));
    await this.actOnNotices(f.clusterId);
  }

  /**
   * Repairs the nodes a cluster's waiting notices name, when this instance holds the cluster, its
   * policy listens for lifecycle events and is not paused, and each node still has that resource
   * and is not busy with an action; a notice that is not acted on for any of those reasons is
   * dropped. Those left without a repair slot keep waiting.
   */
  private async actOnNotices(clusterId: string): Promise<void> {
    const notices = this.waitingNotices.get(clusterId);
    if (!notices || this.actingOnNotices.has(clusterId)) return;
    this.actingOnNotices.add(clusterId);
    try {
      this.waitingNotices.delete(clusterId);
      const ignored = (f: LifecycleFailure, why: string) =>
        this.log.debug({ ...f, why }, 'lifecycle notice not acted on');
      const all = [...notices.values()];
      if (!this.held.has(clusterId))
        return all.forEach((f) => ignored(f, 'another instance holds the cluster, or none'));
      const reg = await this.registry.get(clusterId);
      if (!reg?.enabled || !reg.checkTypes.includes('LIFECYCLE_EVENTS'))
        return all.forEach((f) => ignored(f, 'the cluster’s checks are paused or do not listen for lifecycle events'));
      const members = await this.nodes.members(clusterId);
      const failed: { node: NodeEntity; reason: string; notice: LifecycleFailure }[] = [];
      for (const f of all) {
        const node = members.find((n) => n.id === f.nodeId);
        if (!node || node.physicalId !== f.physicalId) ignored(f, 'the node no longer has that resource');
        else if (!isCheckable({ status: node.status, changedAt: new Date(0) }, 0, new Date()))
          ignored(f, `an action works on the node (${node.status})`);
        else failed.push({ node, reason: f.reason, notice: f });
      }
      checks.inc({ mode: 'LIFECYCLE_EVENTS', outcome: 'failed' }, failed.length);
      const left = await this.repair(clusterId, reg.params as HealthParams, members, failed);
      const still = failed.filter((f) => left.has(f.node.id));
      if (!still.length) return;
      const again = this.waitingNotices.get(clusterId) ?? new Map<string, LifecycleFailure>();
      for (const f of still) if (!again.has(f.node.id)) again.set(f.node.id, f.notice);
      this.waitingNotices.set(clusterId, again);
    } finally {
      this.actingOnNotices.delete(clusterId);
    }
  }

  /** One detection mode's verdicts on the nodes. */
  private async detect(mode: string, nodes: NodeEntity[], params: HealthParams): Promise<Record<string, Verdict>> {
    if (mode === 'NODE_STATUS_POLL_URL') return this.pollUrls(nodes, params);
    if (mode !== 'NODE_STATUS_POLLING' && mode !== 'HYPERVISOR_STATUS_POLLING') return {};
    const of = mode === 'NODE_STATUS_POLLING' ? 'resource' : 'hypervisor';
    const { health } = await this.engine.call('nodes.health', { nodeIds: nodes.map((n) => n.id), of });
    return Object.fromEntries(
      nodes.map((n) => {
        const h = health[n.id];
        checks.inc({ mode, outcome: h ? (h.healthy ? 'healthy' : 'failed') : 'unknown' });
        return [n.id, h ? (h.healthy ? { failed: false } : { failed: true, reason: h.reason }) : null];
      }),
    );
  }

  /** NODE_STATUS_POLL_URL: each ACTIVE node's URL polled, a few at a time, the round bounded in time. */
  private async pollUrls(nodes: NodeEntity[], params: HealthParams): Promise<Record<string, Verdict>> {
    const mode = params.detection_modes?.find((m) => m.type === 'NODE_STATUS_POLL_URL') as PollUrlMode | undefined;
    if (!mode) return {};
    const active = nodes.filter((n) => n.status === 'ACTIVE');
    const out: Record<string, Verdict> = {};
    const signal = AbortSignal.timeout(POLL_ROUND_MS);
    await inParallel(active, POLLS_AT_ONCE, async (n) => {
      const v = await pollNode(mode, n.name, signal).catch(() => null);
      checks.inc({ mode: 'NODE_STATUS_POLL_URL', outcome: v ? (v.failed ? 'failed' : 'healthy') : 'unknown' });
      out[n.id] = v;
    });
    return out;
  }

  private async recover(node: NodeEntity, reason: string, params: HealthParams): Promise<void> {
    const inputs = recoverInputs(params);
    const foundAt = Date.now();
    const { actionId, skipped } = await this.engine.call('node.recover', { nodeId: node.id, inputs });
    if (actionId) this.pendingRecoveries.set(actionId, foundAt);
    recoveries.inc({ outcome: actionId ? 'recovering' : 'skipped' });
    const what = actionId
      ? `Health check found the node failed (${reason}); recovering it with ${String(inputs.operation)}.`
      : `Health check found the node failed (${reason}); not recovered now: ${skipped ?? 'unknown'}.`;
    this.log.info({ nodeId: node.id, clusterId: node.clusterId, actionId, reason, skipped }, what);
    await this.record(
      { id: node.id, name: node.name, type: 'NODE', clusterId: node.clusterId, owner: node },
      {
        level: actionId ? 'WARN' : 'INFO',
        action: 'NODE_RECOVER',
        status: actionId ? 'UNHEALTHY' : 'UNHEALTHY_NOT_RECOVERED',
        reason: what,
      },
      { detection: reason, ...(actionId ? { recovery_action: actionId } : {}) },
      actionId,
    );
  }

  /** A health decision as an event on the node or cluster, in its owner's project. */
  private async record(
    o: {
      id: string;
      name: string;
      type: 'NODE' | 'CLUSTER';
      clusterId: string | null;
      owner: { userId: string; project: string };
    },
    e: { level: 'WARN' | 'INFO'; action: string; status: string; reason: string },
    metaData: Record<string, unknown>,
    actionId: string | null = null,
  ): Promise<void> {
    await this.events.insert([
      {
        id: newId(),
        timestamp: new Date(),
        oid: o.id,
        oname: o.name,
        otype: o.type,
        clusterId: o.clusterId,
        level: EVENT_LEVELS[e.level],
        userId: o.owner.userId,
        project: o.owner.project,
        action: e.action,
        status: e.status,
        statusReason: e.reason,
        metaData,
        actionId,
      },
    ]);
  }
}
