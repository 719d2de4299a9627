import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  ActionConflict,
  CAUSE_RPC,
  newId,
  ResourceIsLocked,
  shortId,
  type ActionName,
  type ApiConfig,
  type RequestContext,
} from '@grove/core';
import { ActionRepository, LockRepository, newAction, type ActionEntity } from '@grove/db';
import { API_CONFIG } from '../http/request-context.middleware';

export interface UserAction {
  action: ActionName;
  /** The cluster or node acted on. */
  target: string;
  clusterId: string | null;
  inputs?: Record<string, unknown>;
  /** Seconds; cluster actions take the cluster's timeout. */
  timeout: number;
  name?: string;
}

/** Actions Senlin lets through while others run on the same target. */
const NEVER_REFUSED: readonly ActionName[] = ['CLUSTER_DELETE', 'NODE_DELETE', 'NODE_OPERATION'];

@Injectable()
export class ActionFactory {
  constructor(
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    private readonly actions: ActionRepository,
    private readonly locks: LockRepository,
  ) {}

  /** A READY action for a user's request, named as Senlin names them (`cluster_scale_out_1a2b3c4d`). */
  build(ctx: RequestContext, u: UserAction): ActionEntity {
    return newAction({
      id: newId(),
      name: u.name ?? `${u.action.toLowerCase()}_${shortId(u.target)}`,
      clusterId: u.clusterId,
      target: u.target,
      action: u.action,
      cause: CAUSE_RPC,
      timeout: u.timeout,
      statusReason: 'Action is ready to run',
      inputs: u.inputs ?? {},
      context: {
        requestId: ctx.requestId,
        userId: ctx.userId,
        projectId: ctx.projectId,
        domainId: ctx.domainId,
        roles: ctx.roles,
        isAdmin: ctx.isAdmin,
      },
      userId: ctx.userId,
      project: ctx.projectId,
      domain: ctx.domainId,
    });
  }

  /**
   * Refuses (409) an action on a target that another action is still changing, as Senlin does:
   * a running one holds the target's lock (ResourceIsLocked), a queued one conflicts
   * (ActionConflict). Run it in the transaction that locked the target's row, before the insert.
   */
  async ensureFree(
    em: EntityManager,
    action: ActionName,
    target: string,
    kind: 'cluster' | 'node',
    force = false,
  ): Promise<void> {
    if (force || NEVER_REFUSED.includes(action)) return;
    const dead = this.cfg.SERVICE_DEAD_AFTER_S;
    const locked =
      kind === 'cluster'
        ? await this.locks.clusterLocked(target, dead, em)
        : await this.locks.nodeLocked(target, dead, em);
    if (locked) throw new ResourceIsLocked(action, kind, target);
    const busy = await this.actions.activeOn(target, em, NEVER_REFUSED);
    if (busy.length)
      throw new ActionConflict(
        action,
        target,
        busy.map((a) => a.id),
      );
  }

  /**
   * The delete of `target` that is already on its way, if this request is a delete too: a second
   * one would only find the target gone and fail, so the request gets the first one's id instead.
   * A victim's delete held for a lifecycle hook is not on its way: a user's delete goes ahead of it,
   * as before. Run it in the transaction that locked the target's row, before the insert.
   */
  async pendingDelete(em: EntityManager, action: ActionName, target: string): Promise<string | null> {
    if (action !== 'CLUSTER_DELETE' && action !== 'NODE_DELETE') return null;
    const open = await this.actions.activeOn(target, em);
    return open.find((a) => a.action === action && a.status !== 'WAITING_LIFECYCLE_COMPLETION')?.id ?? null;
  }

  async insert(a: ActionEntity, em: EntityManager): Promise<void> {
    await this.actions.insert([a], em);
  }
}
