import { Inject, Injectable } from '@nestjs/common';
import { sleep } from '@grove/core';
import { ClusterRepository, NodeRepository, type ActionEntity, type ClusterPatch } from '@grove/db';
import { pickVictims } from '@grove/policies';
import { ENGINE_OPTIONS, type EngineOptions } from '../../engine-options';
import type { ClusterActionContext } from '../../runner/action-context';
import { ActionResult, type Effects } from '../../runner/action-result';
import { ActionCancelled } from '../../runner/action-runner';
import { Children, type ChildSpec } from '../../runner/children';
import { evaluateCluster, newMembers } from '../status';
import { childrenFailed, conclude, describeFailures } from './outcomes';

/** Per-node placements a placement policy put in `data.placement.placements`, if any. */
export function placements(data: Record<string, unknown>, count: number): Record<string, unknown>[] {
  const list = (data.placement as { placements?: Record<string, unknown>[] } | undefined)?.placements ?? [];
  return Array.from({ length: count }, (_, i) => (list[i] ? { placement: list[i] } : {}));
}

/** Targets of the children that succeeded, in the order they were spawned. */
export const succeededTargets = (children: readonly ActionEntity[]): string[] =>
  children.filter((c) => c.status === 'SUCCEEDED').map((c) => c.target);

/**
 * What cluster actions share when they add members or remove them: new node rows with reserved
 * indexes and a NODE_CREATE each, victims picked the same way everywhere, and one way to end.
 */
@Injectable()
export class Membership {
  constructor(
    @Inject(ENGINE_OPTIONS) private readonly o: EngineOptions,
    private readonly clusters: ClusterRepository,
    private readonly nodes: NodeRepository,
    private readonly children: Children,
  ) {}

  get maxNodesPerCluster(): number {
    return this.o.config.MAX_NODES_PER_CLUSTER;
  }

  /** Creates `count` new members (NODE_CREATE each) and parks the action until they end. */
  async grow(ctx: ClusterActionContext, count: number, step: string, effects?: Effects): Promise<ActionResult> {
    const first = await this.clusters.takeIndexes(ctx.cluster.id, count);
    const members = newMembers(ctx.cluster, count, first, placements(ctx.action.data, count));
    return this.children.spawn(ctx, {
      step,
      newNodes: members,
      children: members.map((m) => ({ action: 'NODE_CREATE', target: m.id })),
      effects,
    });
  }

  /** Removes members: NODE_DELETE each, or NODE_LEAVE when they are to live on as orphans. */
  shrink(
    ctx: ClusterActionContext,
    victims: readonly string[],
    destroy: boolean,
    step: string,
    effects?: Effects,
  ): Promise<ActionResult> {
    const children: ChildSpec[] = victims.map((id) => ({ action: destroy ? 'NODE_DELETE' : 'NODE_LEAVE', target: id }));
    return this.children.spawn(ctx, { step, children, effects });
  }

  /**
   * `count` victims among the cluster's members: those a policy `chose`, else broken ones first
   * (see pickVictims). A chosen node that is no longer a member is never touched.
   */
  async victims(clusterId: string, count: number, chosen: readonly string[] = []): Promise<string[]> {
    const members = await this.nodes.members(clusterId);
    if (!chosen.length) return pickVictims(members, count);
    const ids = new Set(members.map((m) => m.id));
    return chosen.filter((id) => ids.has(id)).slice(0, count);
  }

  /**
   * Waits a deletion policy's grace period before victims go. Returns false when the action was
   * cancelled or timed out meanwhile: nothing was removed, and the caller ends without changes.
   */
  async grace(ctx: ClusterActionContext, seconds: number): Promise<boolean> {
    if (seconds <= 0) return true;
    try {
      await sleep(Math.min(seconds * 1000, Math.max(0, ctx.deadline.getTime() - Date.now())), ctx.signal);
      return !ctx.signal.aborted;
    } catch {
      return false;
    }
  }

  /** The end of an interrupted grace period: the cluster was not touched. */
  graceInterrupted(ctx: ClusterActionContext): ActionResult {
    const why: unknown = ctx.signal.reason;
    if (why instanceof ActionCancelled) return ActionResult.cancelled(why.message);
    return ActionResult.error(why instanceof Error ? why.message : 'The action was interrupted.');
  }

  /**
   * The end of a cluster action that added or removed members: the cluster evaluated (with
   * `patch`, e.g. new sizes), the nodes that made it in `outputs[key]`, and the first failures in
   * the reason. Cancel and timeout end it through conclude().
   */
  finish(
    ctx: ClusterActionContext,
    o: {
      operation: string;
      ok: string;
      failedIn: 'creating' | 'deleting';
      key: 'nodes_added' | 'nodes_removed';
      patch?: ClusterPatch;
    },
  ): ActionResult {
    const failed = childrenFailed(ctx.children);
    return conclude(ctx, {
      ok: o.ok,
      failure: failed.length ? `Failed in ${o.failedIn} nodes: ${describeFailures(ctx.children)}` : null,
      outputs: { [o.key]: succeededTargets(ctx.children) },
      effects: (em) => evaluateCluster(this.clusters, this.nodes, em, ctx.action, ctx.cluster, o.operation, o.patch),
    });
  }

  /** Ends without children: nothing to add or remove, the cluster evaluated with `patch`. */
  nothingToDo(ctx: ClusterActionContext, operation: string, ok: string, patch?: ClusterPatch): ActionResult {
    return ActionResult.ok(ok, {
      effects: (em) => evaluateCluster(this.clusters, this.nodes, em, ctx.action, ctx.cluster, operation, patch),
    });
  }
}
