import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CAUSE_DERIVED, newId, shortId, type ActionCause, type NodeActionName } from '@grove/core';
import {
  ActionRepository,
  claimOf,
  EventRepository,
  newAction,
  NodeRepository,
  type ActionEntity,
  type NodeEntity,
} from '@grove/db';
import { EngineClient } from '@grove/rpc';
import type { ActionContext } from './action-context';
import { ActionResult, type Effects } from './action-result';

export interface ChildSpec {
  action: NodeActionName;
  /** The node acted on. */
  target: string;
  inputs?: Record<string, unknown>;
  /**
   * Indexes (in the same plan) of siblings that must succeed before this child starts; if one
   * fails or is cancelled, this child ends the same way without running.
   */
  after?: number[];
  /** The action's name when Senlin's differs from `<action>_<id8>` (`node_reboot_1a2b3c4d`). */
  name?: string;
  /** `Derived Action with Lifecycle Hook` for a victim held for a deletion policy's hook. */
  cause?: ActionCause;
  /**
   * Held in WAITING_LIFECYCLE_COMPLETION until the user completes the lifecycle or `until` passes
   * (a deletion policy's hook); the scan releases it then.
   */
  heldUntil?: Date;
}

export interface SpawnPlan {
  /** Where the parent resumes once every child has ended. */
  step: string;
  children: ChildSpec[];
  /** Node rows the children act on that do not exist yet (CLUSTER_CREATE, SCALE_OUT). */
  newNodes?: NodeEntity[];
  /** Writes that go with the spawn: the cluster's new status and desired capacity, their events. */
  effects?: Effects;
}

/** `node_create_1a2b3c4d`, as Senlin names derived actions. */
export const childName = (action: NodeActionName, target: string) => `${action.toLowerCase()}_${shortId(target)}`;

/**
 * Starts the children of a cluster action. In one transaction: new nodes, child actions READY
 * (or WAITING behind siblings), dependency rows, the parent's effects, and the parent parked
 * WAITING. The children are announced after commit; if that message is lost, the scan finds them.
 */
@Injectable()
export class Children {
  constructor(
    private readonly ds: DataSource,
    private readonly actions: ActionRepository,
    private readonly nodes: NodeRepository,
    private readonly eventRepo: EventRepository,
    private readonly engine: EngineClient,
  ) {}

  async spawn(parent: ActionContext, plan: SpawnPlan): Promise<ActionResult> {
    return (await this.spawnChildren(parent, plan)).result;
  }

  /** Like spawn, and also the ids of the children in plan order, once they are committed. */
  async spawnChildren(parent: ActionContext, plan: SpawnPlan): Promise<{ result: ActionResult; ids: string[] }> {
    const p = parent.action;
    const now = new Date();
    const children = plan.children.map((c): ActionEntity =>
      newAction({
        id: newId(),
        name: c.name ?? childName(c.action, c.target),
        clusterId: p.clusterId,
        target: c.target,
        action: c.action,
        cause: c.cause ?? CAUSE_DERIVED,
        timeout: p.timeout,
        status: c.heldUntil ? 'WAITING_LIFECYCLE_COMPLETION' : c.after?.length ? 'WAITING' : 'READY',
        statusReason: c.heldUntil ? 'Waiting for the lifecycle hook to complete.' : '',
        inputs: c.inputs ?? {},
        data: c.heldUntil ? { lifecycle: { deadline: c.heldUntil.toISOString() } } : {},
        context: p.context,
        userId: p.userId,
        project: p.project,
        domain: p.domain,
        createdAt: now,
        updatedAt: now,
      }),
    );
    const deps = children.flatMap((child, i) => [
      { depended: child.id, dependent: p.id },
      ...(plan.children[i].after ?? []).map((j) => ({ depended: children[j].id, dependent: child.id })),
    ]);
    await this.ds.transaction(async (em) => {
      if (plan.newNodes?.length) await this.nodes.insertMany(plan.newNodes, em);
      await this.actions.insert(children, em);
      await this.actions.addDependencies(deps, em);
      const events = plan.effects ? await plan.effects(em) : undefined;
      if (events?.length) await this.eventRepo.insert(events, em);
      const parked = await this.actions.park(
        claimOf(p),
        plan.step,
        children.map((c) => c.id),
        em,
      );
      if (!parked) throw new Error(`Action ${p.id} is no longer run by this engine`);
    });
    this.engine.announceLater(children.filter((c) => c.status === 'READY').map((c) => c.id));
    return { result: ActionResult.waiting(), ids: children.map((c) => c.id) };
  }
}
