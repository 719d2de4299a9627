import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { inParallel, NODE_BUSY_STATUSES, ROOT_LOGGER, type Logger } from '@grove/core';
import {
  ActionRepository,
  EventRepository,
  LockRepository,
  NodeRepository,
  ServiceRepository,
  type ActionEntity,
} from '@grove/db';
import { EngineClient } from '@grove/rpc';
import { EngineLease } from '../engine-lease';
import { ENGINE_OPTIONS, type EngineOptions } from '../engine-options';
import { events, nodeObject } from '../events/event-writer';
import { ActionRunner } from '../runner/action-runner';
import { safeToRunAgain } from '../runner/run-again';

/** An action whose engines keep dying under it fails rather than loop forever. */
const MAX_TAKEOVERS = 5;

/** An action of ours untouched for three scans (at least 10 s) and not running here was lost; a claim is never that old. */
const ownOrphanAfterS = (scanIntervalS: number) => Math.max(10, 3 * scanIntervalS);

/** Service rows of dead processes stay listed (state `down`) this long before they are removed. */
const FORGET_DEAD_SERVICES_AFTER_S = 600;

/** Takeovers run side by side, so one that waits on a frozen engine's row lock delays only itself. */
const TAKEOVERS_AT_ONCE = 8;

/**
 * Finds RUNNING actions whose engine stopped heart-beating and takes them over: back to READY
 * where running again is safe, else FAILED with "Engine died when executing this action." and
 * their locks released, so nothing stays RUNNING forever. Any engine whose own lease holds may do
 * it, and only once it has itself been alive for the whole dead-after window (the database decides,
 * ActionRepository.runningWithoutLiveOwner); each action is taken over by exactly one, and the
 * takeover raises the action's epoch, which fences the engine that had it.
 */
@Injectable()
export class DeadEngineRecovery {
  constructor(
    @Inject(ENGINE_OPTIONS) private readonly o: EngineOptions,
    @Inject(ROOT_LOGGER) private readonly log: Logger,
    private readonly ds: DataSource,
    private readonly actions: ActionRepository,
    private readonly locks: LockRepository,
    private readonly nodes: NodeRepository,
    private readonly eventRepo: EventRepository,
    private readonly services: ServiceRepository,
    private readonly engine: EngineClient,
    private readonly runner: ActionRunner,
    private readonly lease: EngineLease,
  ) {}

  async recover(): Promise<number> {
    if (!this.lease.fresh) return 0;
    const deadAfter = this.o.config.SERVICE_DEAD_AFTER_S;
    await this.services.reapDead(Math.max(deadAfter, FORGET_DEAD_SERVICES_AFTER_S));
    const [dead, own] = await Promise.all([
      this.actions.runningWithoutLiveOwner(this.o.engineId, deadAfter),
      // Ours in the database but not running here: the write that ended it failed (the database
      // went away at that moment), or it was abandoned. Without this it would stay RUNNING forever.
      this.actions.runningOwnedBy(this.o.engineId, ownOrphanAfterS(this.o.config.SCAN_INTERVAL_S)),
    ]);
    const work = [
      ...dead.map((a) => () => this.takeOver(a, 'dead')),
      ...own.filter((a) => !this.runner.isRunning(a.id)).map((a) => () => this.takeOver(a, 'lost')),
    ];
    let taken = 0;
    await inParallel(work, TAKEOVERS_AT_ONCE, async (takeOver) => {
      try {
        if (await takeOver()) taken++;
      } catch (e) {
        this.log.warn({ err: e }, 'a takeover failed; the next scan tries again');
      }
    });
    return taken;
  }

  private async takeOver(a: ActionEntity, why: 'dead' | 'lost'): Promise<boolean> {
    if (!this.lease.fresh) return false;
    const requeue = safeToRunAgain(a.action) && a.retries < MAX_TAKEOVERS;
    const reason =
      why === 'dead'
        ? requeue
          ? 'Its engine died; another engine resumes it.'
          : 'Engine died when executing this action.'
        : requeue
          ? 'Its engine lost track of it; it runs again.'
          : 'Its engine lost track of it while it ran.';
    let parents: string[] = [];
    const done = await this.ds.transaction(async (em) => {
      if (!(await this.actions.takeOver(a, requeue, reason, em))) return false;
      if (requeue) return true;
      await this.locks.releaseAll(a.id, em);
      const node = a.action.startsWith('NODE_') ? await this.nodes.getById(a.target, em) : null;
      if (node && NODE_BUSY_STATUSES.includes(node.status)) {
        await this.nodes.setStatus(node.id, 'ERROR', reason, em);
        await this.eventRepo.insert(
          [events.status(a, nodeObject(node), 'ERROR', reason), events.phase(a, nodeObject(node), 'error', reason)],
          em,
        );
      }
      parents = await this.actions.releaseChild(a.id, em);
      return true;
    });
    if (!done) return false;
    this.log.warn(
      { actionId: a.id, action: a.action, deadEngine: a.owner, requeue },
      'took over an action of a dead engine',
    );
    if (requeue) this.engine.announceLater([a.id]);
    else this.engine.announceLater(await this.actions.wake(parents));
    return true;
  }
}
