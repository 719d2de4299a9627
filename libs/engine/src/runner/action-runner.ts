import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  CAUSE_DERIVED_LIFECYCLE,
  CAUSE_RPC,
  isClusterAction,
  ROOT_LOGGER,
  shortId,
  sleep,
  type ActionName,
  type ClusterActionName,
  type Logger,
  type NodeActionName,
} from '@grove/core';
import {
  ActionRepository,
  ClaimLost,
  isTransientDbError,
  retryTransientDb,
  claimOf,
  ClusterRepository,
  LeaseLapsed,
  EventRepository,
  LockRepository,
  NodeRepository,
  type ActionEntity,
  type ClusterEntity,
  type EventEntity,
  type NodeEntity,
} from '@grove/db';
import { EngineClient } from '@grove/rpc';
import { EngineLease } from '../engine-lease';
import { ENGINE_OPTIONS, type EngineOptions } from '../engine-options';
import { clusterObject, events, nodeObject, type EventObject } from '../events/event-writer';
import { recordActionEnd } from '../metrics/engine-metrics';
import { clusterToJoin } from '../actions/node/cluster-to-join';
import type { ActionContext, ClusterActionContext, Interrupt, NodeActionContext, TypedAction } from './action-context';
import { ActionResult, type Effects } from './action-result';
import { BatchedWrites } from './batched-writes';
import { HandlerRegistry } from './handler-registry';
import { PolicyRunner, type PolicyRunOptions } from './policy-runner';
import { safeToRunAgain } from './run-again';
import { Slots } from './slots';
import { ClaimGuard } from './claim-guard';

/** Raised into a running action's signal when the user cancels it. */
export class ActionCancelled extends Error {
  constructor() {
    super('The action was cancelled.');
    this.name = 'ActionCancelled';
  }
}

/** Raised into a running action's signal at its deadline. */
export class ActionTimedOut extends Error {
  constructor(readonly action: ActionEntity) {
    super(`${action.action} [${shortId(action.id)}] timeout`);
    this.name = 'ActionTimedOut';
  }
}

/**
 * Raised into every running action's signal when the engine must drop its work (its lease ran
 * out, or others took it for dead). Such an action is left as it is, for its takeover.
 */
export class ActionAbandoned extends Error {
  constructor() {
    super('This engine stopped its work: it could not keep its heartbeat, so others may take it over.');
    this.name = 'ActionAbandoned';
  }
}

/** Errors after which the action is not ours to settle: another engine has it, or soon will. */
const notOursAnyMore = (e: unknown, signal: AbortSignal): boolean =>
  e instanceof ClaimLost ||
  e instanceof LeaseLapsed ||
  e instanceof ActionAbandoned ||
  signal.reason instanceof ActionAbandoned;

/** How long a work message waits for a free slot before it is left to the scan (the action stays READY). */
const SLOT_WAIT_MS = 60_000;

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Unfinished statuses of an action that no engine is running. */
const NOT_RUNNING = ['INIT', 'READY', 'WAITING', 'WAITING_LIFECYCLE_COMPLETION', 'SUSPENDED'];

interface Running {
  abort: AbortController;
}

/** Where a step is (its name prefixes an unexpected error: "Failed to <phase>"), and its start event. */
interface Phase {
  name: string;
  started?: Promise<void>;
}

/**
 * The life of an action, one step at a time (STYLE C10). Each phase is named; anything a phase
 * throws is a bug, and the action fails with "Failed to <phase>: …" while the stack goes to the log.
 *
 *   claim    one engine wins the READY row (ActionRepository.claim); a message delivered twice runs once
 *   lock     cluster actions take the cluster lock; node actions their node's lock, and a user's
 *            action on a member also a share of its cluster's lock
 *   load     the target row, fresh under the lock
 *   before   first step only: the cluster's policies BEFORE, in priority order (PolicyRunner);
 *            a veto ends the action there, with the cluster untouched
 *   handler  one step of the handler: it ends the action, or spawns children and parks it WAITING;
 *            when they have ended the action is claimed again and resumes at the step it named
 *   after    once the handler has ended the action: the policies AFTER; a veto turns it FAILED
 *   settle   status, reason, outputs, data and effects in one transaction; locks released;
 *            the parent woken when this was its last child
 *
 * Fencing: the claim's epoch (ActionRepository.Claim) goes with every write of the action, so a
 * write lands only while this claim holds; the engine's lease (EngineLease) goes with every cloud
 * change. An engine that lost either leaves the action to whoever takes it over, unsettled.
 *
 * Policies run around cluster actions and around a user's action on a member node (Senlin's
 * rule); derived node actions run under their parent's checks, but for a victim held for a
 * lifecycle hook (BEFORE) and a recovered member (AFTER: its server may be new).
 */
@Injectable()
export class ActionRunner {
  private readonly running = new Map<string, Running>();
  private readonly slots: Slots;

  constructor(
    @Inject(ENGINE_OPTIONS) private readonly o: EngineOptions,
    @Inject(ROOT_LOGGER) private readonly rootLog: Logger,
    private readonly ds: DataSource,
    private readonly actions: ActionRepository,
    private readonly locks: LockRepository,
    private readonly clusters: ClusterRepository,
    private readonly nodes: NodeRepository,
    private readonly eventRepo: EventRepository,
    private readonly registry: HandlerRegistry,
    private readonly batched: BatchedWrites,
    private readonly engine: EngineClient,
    private readonly policies: PolicyRunner,
    private readonly lease: EngineLease,
    private readonly guard: ClaimGuard,
  ) {
    lease.onLost(() => this.abandonAll());
    this.slots = new Slots(o.config.ENGINE_CONCURRENCY);
  }

  /** Actions this engine is running right now. */
  get busy(): number {
    return this.running.size;
  }

  isRunning(actionId: string): boolean {
    return this.running.has(actionId);
  }

  /** Drops every running action: this engine's lease ran out, or others took it for dead. */
  abandonAll(): void {
    for (const r of this.running.values()) r.abort.abort(new ActionAbandoned());
  }

  /** Stops a running action at once if this engine runs it (the user cancelled it). */
  cancel(actionId: string): void {
    this.running.get(actionId)?.abort.abort(new ActionCancelled());
  }

  /** Claims the action and runs its current step; does nothing if another engine has it. */
  async run(actionId: string): Promise<void> {
    await (
      await this.begin(actionId)
    )?.done;
  }

  /**
   * Claims the action and starts its step; resolves once it is claimed (or refused), which is
   * when the work message is acknowledged: a message held for the whole step would outlive
   * RabbitMQ's consumer_timeout on a long one, and Postgres, not the broker, holds the action.
   */
  async start(actionId: string): Promise<void> {
    const begun = await this.begin(actionId);
    begun?.done.catch(() => undefined);
  }

  /** The running actions of this engine whose cancel is recorded (a broadcast may be lost in a reconnect). */
  async pollCancels(): Promise<void> {
    const ids = [...this.running.keys()];
    if (!ids.length) return;
    for (const id of await this.actions.cancelRequested(ids)) this.cancel(id);
  }

  private async begin(actionId: string): Promise<{ done: Promise<void> } | null> {
    if (!(await this.slots.acquire(SLOT_WAIT_MS))) return null;
    let action: ActionEntity | null = null;
    try {
      // Without a lease this engine takes nothing new; the action stays READY for the others.
      if (this.lease.fresh) action = await this.actions.claim(actionId, this.o.engineId);
    } finally {
      if (!action) this.slots.release();
    }
    if (!action) return null;
    const claimed = action;
    return {
      done: this.guard.run(claimOf(claimed), () => this.runClaimed(claimed)).finally(() => this.slots.release()),
    };
  }

  private async runClaimed(action: ActionEntity): Promise<void> {
    const log = this.rootLog.child({
      actionId: action.id,
      action: action.action,
      target: action.target,
      engineId: this.o.engineId,
    });
    const deadline = new Date(action.startTime!.getTime() + action.timeout * 1000);
    const abort = new AbortController();
    // Node's timers overflow past 2^31-1 ms (24.8 days) and would fire at once.
    const timer = setTimeout(
      () => abort.abort(new ActionTimedOut(action)),
      Math.min(MAX_TIMER_MS, Math.max(0, deadline.getTime() - Date.now())),
    );
    timer.unref();
    this.running.set(action.id, { abort });
    const phase: Phase = { name: 'lock' };
    let target: EventObject | null = null;
    try {
      const result = await this.execute(action, abort.signal, deadline, log, phase, (t) => (target = t));
      phase.name = 'settle';
      await phase.started;
      await this.settle(action, result, target, log);
    } catch (e) {
      await phase.started?.catch(() => undefined);
      if (notOursAnyMore(e, abort.signal)) {
        log.warn({ err: e, phase: phase.name }, 'action dropped unsettled: this engine no longer holds it');
        return;
      }
      if (isTransientDbError(e) && this.mayRunAgain(action, phase.name)) {
        log.warn({ err: e, phase: phase.name }, 'a passing database error cut the step off; it runs again');
        await this.runAgainLater(action, e, log);
        return;
      }
      log.error({ err: e, phase: phase.name }, 'action failed with an unexpected error');
      const reason = `Failed to ${phase.name}: ${e instanceof Error ? e.message : String(e)}`;
      await this.settle(action, ActionResult.error(reason), target, log).catch((e2: unknown) =>
        log.error({ err: e2 }, 'could not record the failure'),
      );
    } finally {
      clearTimeout(timer);
      this.running.delete(action.id);
    }
  }

  /**
   * Whether a step cut off by a database error may simply run again: always before the handler
   * changed anything (lock, load, the policies' checks), and in the handler only for actions that
   * are safe to run twice (safeToRunAgain). After that the outcome is known and only its write is
   * retried (settle).
   */
  private mayRunAgain(action: ActionEntity, phase: string): boolean {
    if (phase === 'lock' || phase === 'load' || phase === 'before') return true;
    return phase === action.action.toLowerCase() && safeToRunAgain(action.action);
  }

  /** Back to READY (locks released while the claim holds) and announced again after a pause that grows. */
  private async runAgainLater(action: ActionEntity, e: unknown, log: Logger): Promise<void> {
    const why = `A database error interrupted it (${e instanceof Error ? e.message : String(e)}); it runs again.`;
    try {
      if (!(await retryTransientDb.execute(() => this.actions.requeue(claimOf(action), why)))) return;
    } catch (e2) {
      // Still down: the action stays RUNNING here, and the scan gives it back once it can.
      log.warn({ err: e2 }, 'could not put the action back; the scan will');
      return;
    }
    const pauseMs = Math.min(30_000, 500 * 2 ** Math.min(action.retries, 6));
    setTimeout(() => this.engine.announceLater([action.id]), pauseMs).unref();
  }

  private async execute(
    action: ActionEntity,
    signal: AbortSignal,
    deadline: Date,
    log: Logger,
    phase: Phase,
    setTarget: (t: EventObject) => void,
  ): Promise<ActionResult> {
    const interrupt: Interrupt =
      action.control === 'CANCEL' ? 'cancel' : deadline.getTime() <= Date.now() ? 'timeout' : null;
    // Nothing was started yet: end without touching the target.
    if (interrupt && action.step === null) {
      return interrupt === 'cancel'
        ? ActionResult.cancelled('The action was cancelled.')
        : ActionResult.error(new ActionTimedOut(action).message);
    }

    // A parent woken early must stop what it started: its unfinished children are cancelled, and
    // it waits (holding the cluster lock) until they have stopped, then ends.
    if (interrupt && action.step !== null) {
      const descendants = (await this.actions.tree(action.id)).filter((id) => id !== action.id);
      if (descendants.length) {
        // Those not running end at once; the running ones are told to stop, and waited for.
        const why = interrupt === 'cancel' ? 'The parent action was cancelled.' : 'The parent action timed out.';
        await this.ds.transaction((em) => this.actions.forceCancel(descendants, why, em, NOT_RUNNING));
        const signalled = await this.actions.signalCancel(descendants);
        this.engine.cancel(signalled);
      }
      if (descendants.length && (await this.actions.tree(action.id)).length > 1) {
        const step = action.step;
        const parked = await this.ds.transaction((em) => this.actions.park(claimOf(action), step, action.awaiting, em));
        if (!parked) throw new ClaimLost(claimOf(action));
        // The last of them may have ended between the look and the park, and found us RUNNING.
        this.engine.announceLater(await this.actions.wake([action.id]));
        return ActionResult.waiting();
      }
    }

    const cluster = isClusterAction(action.action);
    phase.name = 'lock';
    const locked = await this.lock(action, cluster);
    if (locked !== true) return locked;

    phase.name = 'load';
    const handler = this.registry.get(action.action);
    if (cluster) {
      // The reads of a step go together: the cluster, its children's outcomes, its policies.
      const [c, children, bindings] = await Promise.all([
        this.clusters.getById(action.target),
        action.step ? this.actions.outcomes(action.awaiting) : [],
        this.policies.enabled(action.target),
      ]);
      if (!c) return ActionResult.error(`The cluster '${action.target}' could not be found.`);
      setTarget(clusterObject(c));
      if (action.step === null) phase.started = this.startEvent(action, clusterObject(c));
      const ctx: ClusterActionContext = {
        ...this.base(action, signal, deadline, log, interrupt, children),
        action: typed<ClusterActionName>(action),
        cluster: c,
      };
      return this.aroundPolicies(
        action,
        { cluster: c, node: null, before: action.step === null, after: true },
        { signal, deadline, bindings: Promise.resolve(bindings) },
        phase,
        () => handler.run(ctx),
      );
    }
    const n = await this.nodes.getById(action.target);
    if (!n) {
      return action.action === 'NODE_DELETE'
        ? ActionResult.ok('Node deleted successfully.')
        : ActionResult.error(`The node '${action.target}' could not be found.`);
    }
    setTarget(nodeObject(n));
    phase.started = this.startEvent(action, nodeObject(n));
    const ctx: NodeActionContext = {
      ...this.base(action, signal, deadline, log, interrupt, []),
      step: null,
      action: typed<NodeActionName>(action),
      node: n,
    };
    const user = action.cause === CAUSE_RPC;
    const hooked = action.cause === CAUSE_DERIVED_LIFECYCLE;
    // A node a cluster recovery recreated has a new server: the load balancer must follow it
    // (Senlin skips this, leaving the old address in the pool).
    const recovered = action.action === 'NODE_RECOVER';
    const clusterId = n.clusterId ?? clusterToJoin(action);
    const memberOf = clusterId && (user || hooked || recovered) ? await this.clusters.getById(clusterId) : null;
    return this.aroundPolicies(
      action,
      { cluster: memberOf, node: n, before: user || hooked, after: user || recovered },
      { signal, deadline },
      phase,
      () => handler.run(ctx),
    );
  }

  /** What every handler's context holds besides its target. */
  private base(
    action: ActionEntity,
    signal: AbortSignal,
    deadline: Date,
    log: Logger,
    interrupt: Interrupt,
    children: readonly ActionEntity[],
  ): Omit<ActionContext, 'action'> {
    return { step: action.step, children, interrupt, signal, deadline, log, engineId: this.o.engineId };
  }

  /**
   * The "start" event, written while the step runs (it is batched with other actions' and awaited
   * before the step settles, so it is never lost and never after the end's events).
   */
  private startEvent(action: ActionEntity, target: EventObject): Promise<void> {
    const event = events.phase(action, target, 'start', shortId(action.id));
    // An event only tells; a passing database error delays it and a lasting one loses it, never the action.
    return retryTransientDb
      .execute(() => this.batched.insertEvent(event))
      .catch((e: unknown) => this.rootLog.warn({ err: e, actionId: action.id }, 'could not write the start event'));
  }

  /**
   * The before, handler and after phases: the cluster's policies around one step of the handler.
   * Without a cluster (an orphan node, a derived node action) the handler runs alone.
   */
  private async aroundPolicies(
    action: ActionEntity,
    s: { cluster: ClusterEntity | null; node: NodeEntity | null; before: boolean; after: boolean },
    o: PolicyRunOptions,
    phase: Phase,
    step: () => Promise<ActionResult>,
  ): Promise<ActionResult> {
    const cluster = s.cluster;
    if (cluster && s.before) {
      phase.name = 'before';
      const check = await this.policies.check('before', { action, cluster, node: s.node }, o);
      action.data = check.data;
      if (check.veto) return ActionResult.error(`Policy check failure: ${check.veto}`);
    }
    phase.name = action.action.toLowerCase();
    const result = await step();
    if (!cluster || !s.after || result.kind !== 'done') return result;

    phase.name = 'after';
    const outcome = { status: result.status, outputs: result.outputs ?? {} };
    let own = result.effects;
    // AFTER policies judge a node action by the node it left (a load balancer adds the new server):
    // when one will look, the node's own writes go first, in their own transaction.
    const beforeLooking =
      s.node && own
        ? async () => {
            const write = own!;
            own = undefined;
            await this.ds.transaction(async (em) => {
              await this.actions.assertHeld(claimOf(action), em);
              const written = (await write(em)) ?? [];
              if (written.length) await this.eventRepo.insert(written, em);
            });
            return this.nodes.getById(s.node!.id);
          }
        : undefined;
    const check = await this.policies.check(
      'after',
      { action, cluster, node: s.node, outcome },
      { ...o, beforeLooking },
    );
    const effects = composeEffects(own, check.effects);
    if (check.veto) {
      return { ...result, status: 'FAILED', reason: `Policy check failure: ${check.veto}`, data: check.data, effects };
    }
    return { ...result, data: check.data, effects };
  }

  /**
   * Cluster actions take the cluster lock (CLUSTER_DELETE takes it over). Node actions take the
   * node's lock; a user's action on a member also shares the cluster lock, so it waits for
   * cluster actions. A busy lock is tried a few times here, then the action goes back to READY.
   */
  private async lock(action: ActionEntity, cluster: boolean): Promise<true | ActionResult> {
    const { LOCK_RETRY_TIMES: tries, LOCK_RETRY_INTERVAL_MS: pause, SERVICE_DEAD_AFTER_S: dead } = this.o.config;
    const take = async (): Promise<boolean> => {
      if (cluster) {
        return this.locks.acquireCluster(action.target, action.id, 'cluster', dead, action.action === 'CLUSTER_DELETE');
      }
      // A user's action on a member (or a create joining one) also shares its cluster's lock;
      // derived ones run under their parent's.
      if (action.cause === 'RPC Request') {
        const node = await this.nodes.getById(action.target);
        const clusterId = node?.clusterId ?? clusterToJoin(action);
        if (clusterId && !(await this.locks.acquireCluster(clusterId, action.id, 'node', dead))) return false;
      }
      const force = action.action === 'NODE_DELETE' || action.action === 'NODE_OPERATION';
      return this.locks.acquireNode(action.target, action.id, dead, force);
    };
    for (let attempt = 1; ; attempt++) {
      if (await take()) return true;
      if (attempt >= tries) break;
      await sleep(pause / 2 + Math.random() * pause);
    }
    const what = cluster ? 'cluster' : 'node';
    if (action.retries + 1 >= tries) {
      return ActionResult.error(
        `Failed in locking ${what} '${action.target}': exceeded maximum number of retries (${tries}).`,
      );
    }
    return ActionResult.retry(`The ${what} is locked by another action; will try again.`);
  }

  /** Records how the step ended, releases what it held and wakes whoever waited for it. */
  private async settle(
    action: ActionEntity,
    result: ActionResult,
    target: EventObject | null,
    log: Logger,
  ): Promise<void> {
    if (result.kind === 'waiting') return;
    // An engine that cannot prove it is alive writes nothing; whoever takes the action over decides.
    if (!this.lease.fresh) {
      log.warn(
        { status: result.kind === 'done' ? result.status : result.kind },
        'lease ran out; the outcome is left to the takeover',
      );
      return;
    }
    if (result.kind === 'retry') {
      if (await retryTransientDb.execute(() => this.actions.requeue(claimOf(action), result.reason))) {
        setTimeout(() => this.engine.announceLater([action.id]), this.o.config.LOCK_RETRY_INTERVAL_MS).unref();
      }
      return;
    }
    let parents: string[] = [];
    // The outcome is known: a passing database error only delays its write (the whole transaction
    // runs again; if a COMMIT whose answer was lost did land, `end` finds the action ended and
    // writes nothing twice).
    const ended = await retryTransientDb.execute(() =>
      this.ds.transaction(async (em) => {
        const end = await this.actions.end(
          claimOf(action),
          { status: result.status, reason: result.reason, outputs: result.outputs, data: result.data },
          em,
        );
        if (!end.ended) return false;
        const written: EventEntity[] = (result.effects ? await result.effects(em) : undefined) ?? [];
        if (target) {
          written.push(events.phase(action, target, result.status === 'SUCCEEDED' ? 'end' : 'error', result.reason));
        }
        if (written.length) await this.eventRepo.insert(written, em);
        parents = end.parents;
        if (result.status !== 'SUCCEEDED')
          parents = await this.skipDependents(action, result.status, result.reason, parents, em);
        return true;
      }),
    );
    if (!ended) {
      log.warn('the action was taken over (force-cancelled or recovered) before it ended here; its result is dropped');
      return;
    }
    recordActionEnd(action, result.status);
    log.info({ status: result.status, reason: result.reason }, 'action ended');
    const woken = await this.batched.wake(parents);
    if (woken.length) this.engine.announceLater(woken);
  }

  /**
   * Siblings that were to run after an action that failed or was cancelled (ChildSpec.after: a
   * replaced node leaves only once its replacement joined) end the same way without running, as
   * Senlin marks dependents failed; their own dependents follow. Returns the actions left to wake:
   * the parents waiting on any of them.
   */
  private async skipDependents(
    action: ActionEntity,
    status: 'FAILED' | 'CANCELLED',
    reason: string,
    dependents: string[],
    em: EntityManager,
  ): Promise<string[]> {
    const why = `Not run: ${action.name} ended ${status} (${reason})`;
    const skipped = await this.actions.endSkipped(dependents, status, why, em);
    const rest = dependents.filter((id) => !skipped.includes(id));
    for (const id of skipped) {
      rest.push(...(await this.skipDependents(action, status, reason, await this.actions.releaseChild(id, em), em)));
    }
    return [...new Set(rest)];
  }
}

/**
 * The row with its inputs typed by its name: the api and parent actions wrote them per ActionInputs,
 * so this is the one place that takes that on trust.
 */
const typed = <N extends ActionName>(a: ActionEntity) => a as unknown as TypedAction<N>;

/** Both writes, in order, in the one transaction of the action's end. */
function composeEffects(a: Effects | undefined, b: Effects | undefined): Effects | undefined {
  if (!a || !b) return a ?? b;
  return async (em) => [...((await a(em)) ?? []), ...((await b(em)) ?? [])];
}
