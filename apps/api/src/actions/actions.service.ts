import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ActionImmutable, BadRequest, isUuid, ResourceNotFound, type RequestContext } from '@grove/core';
import { ActionRepository, LockRepository, type ActionEntity, type ListQuery } from '@grove/db';
import { EngineClient } from '@grove/rpc';
import type { Scope } from '@grove/core';
import { toActionView } from './actions.view';
import type { ApiVersion } from '../http/microversion';

const CANCELLABLE = ['INIT', 'WAITING', 'READY', 'RUNNING', 'WAITING_LIFECYCLE_COMPLETION'] as const;

@Injectable()
export class ActionsService {
  constructor(
    private readonly ds: DataSource,
    private readonly actions: ActionRepository,
    private readonly locks: LockRepository,
    private readonly engine: EngineClient,
  ) {}

  async views(list: ActionEntity[], v: ApiVersion) {
    const deps = await this.actions.dependencies(list.map((a) => a.id));
    return list.map((a) =>
      toActionView(a, { dependsOn: deps.dependsOn.get(a.id) ?? [], dependedBy: deps.dependedBy.get(a.id) ?? [] }, v),
    );
  }

  list(scope: Scope, q: ListQuery): Promise<ActionEntity[]> {
    return this.actions.list(scope, q);
  }

  get(scope: Scope, identity: string): Promise<ActionEntity> {
    return this.actions.get(scope, identity);
  }

  /**
   * Cancels an action and everything it waits on. Senlin loads it by exact UUID in any project,
   * which lets anyone cancel anyone's work; Grove keeps the exact UUID but only an admin reaches
   * another project's action (the others get the 404 every other endpoint gives).
   * Normally a signal the engines honour at their next step, and at once for running work through
   * a broadcast; `force` ends them CANCELLED immediately and releases their locks.
   */
  async cancel(ctx: RequestContext, id: string, status: string, force: boolean): Promise<void> {
    if (status !== 'CANCELLED') throw new BadRequest(`Unknown status ${status} for action ${id}`);
    const a = isUuid(id) ? await this.actions.getById(id) : null;
    if (!a || (!ctx.isAdmin && a.project !== ctx.projectId)) throw new ResourceNotFound('action', id);
    if (!(CANCELLABLE as readonly string[]).includes(a.status)) throw new ActionImmutable(a.id, a.status, CANCELLABLE);
    const tree = await this.actions.tree(a.id);
    if (!force) {
      const signalled = await this.actions.signalCancel(tree);
      this.engine.cancel(signalled);
      // No engine runs an action in INIT or waiting for a lifecycle hook: as Senlin does, they end now.
      await this.endNow(tree, 'Action execution cancelled', ['INIT', 'WAITING_LIFECYCLE_COMPLETION']);
      return;
    }
    await this.endNow(tree, 'The action was cancelled by force.');
  }

  /** Ends actions CANCELLED at once, releases their locks and wakes the parents left with nothing to wait for. */
  private async endNow(ids: string[], reason: string, statuses?: readonly string[]): Promise<void> {
    const { cancelled, parents } = await this.ds.transaction(async (em) => {
      const out = await this.actions.forceCancel(ids, reason, em, statuses);
      for (const c of out.cancelled) await this.locks.releaseAll(c, em);
      return out;
    });
    if (!cancelled.length) return;
    this.engine.cancel(cancelled);
    this.engine.announceLater(await this.actions.wake(parents));
  }
}
