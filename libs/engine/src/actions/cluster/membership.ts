import { Inject, Injectable } from '@nestjs/common';
import { CAUSE_DERIVED_LIFECYCLE, shortId, sleep } from '@grove/core';
import { ClusterRepository, NodeRepository, type ActionEntity, type ClusterPatch } from '@grove/db';
import { expandPlan, pickVictims, victimsByBucket } from '@grove/policies';
import { ENGINE_OPTIONS, type EngineOptions } from '../../engine-options';
import { lifecycleHook, LifecycleHooks } from '../../events/lifecycle-hooks';
import type { ClusterActionContext } from '../../runner/action-context';
import { ActionResult, type Effects } from '../../runner/action-result';
import { ActionCancelled } from '../../runner/action-runner';
import { Children, type ChildSpec } from '../../runner/children';
import { evaluateCluster, newMembers } from '../status';
import { childrenFailed, conclude, describeFailures } from './outcomes';

/** A placement plan as one entry per new node; nothing when the data holds no plan. */
const perNode = (plan: unknown): string[] =>
  typeof plan === 'object' && plan !== null ? expandPlan(plan as Record<string, number>) : [];

/**
 * Where each of `count` new nodes goes, from what the BEFORE policies decided: the affinity
 * policy's `data.placement.placements` (server group, zone), the zone placement policy's
 * `data.creation.zones` and the region placement policy's `data.creation.regions` (Senlin only
 * used the latter two when deleting; Grove places new nodes by them too). The result becomes the
 * nodes' `data.placement`, which the profile turns into the cloud request (availability zone,
 * scheduler hint, the region's endpoints).
 */
export function placements(data: Record<string, unknown>, count: number): Record<string, unknown>[] {
  const affinity = (data.placement as { placements?: Record<string, unknown>[] } | undefined)?.placements ?? [];
  const creation = (data.creation ?? {}) as { zones?: unknown; regions?: unknown };
  const zones = perNode(creation.zones);
  const regions = perNode(creation.regions);
  return Array.from({ length: count }, (_, i) => {
    const p: Record<string, unknown> = { ...(affinity[i] ?? {}) };
    if (zones[i]) p.zone = zones[i];
    if (regions[i]) p.region_name = regions[i];
    return Object.keys(p).length ? { placement: p } : {};
  });
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
    private readonly hooks: LifecycleHooks,
  ) {}

  get maxNodesPerCluster(): number {
    return this.o.config.MAX_NODES_PER_CLUSTER;
  }

  /** Creates `count` new members (NODE_CREATE each) and parks the action until they end. */
  async grow(ctx: ClusterActionContext, count: number, step: string, effects?: Effects): Promise<ActionResult> {
    const first = await this.clusters.takeIndexes(ctx.cluster.id, count);
    const members = newMembers(ctx.cluster, count, first, placements(ctx.action.data, count), ctx.action);
    return this.children.spawn(ctx, {
      step,
      newNodes: members,
      children: members.map((m) => ({ action: 'NODE_CREATE', target: m.id })),
      effects,
    });
  }

  /**
   * Removes members: NODE_DELETE each, or NODE_LEAVE when they are to live on as orphans. With a
   * deletion policy's lifecycle hook, each ACTIVE victim is held (WAITING_LIFECYCLE_COMPLETION)
   * and a message with its token goes out; it goes on when the user completes the lifecycle or the
   * hook's timeout passes (SL _remove_nodes_with_hook).
   */
  async shrink(
    ctx: ClusterActionContext,
    victims: readonly string[],
    destroy: boolean,
    step: string,
    effects?: Effects,
  ): Promise<ActionResult> {
    const action = destroy ? 'NODE_DELETE' : 'NODE_LEAVE';
    const hook = lifecycleHook(ctx.action.data);
    if (!hook) {
      const children: ChildSpec[] = victims.map((id) => ({ action, target: id }));
      return this.children.spawn(ctx, { step, children, effects });
    }
    const nodes = new Map((await this.nodes.getByIds(victims)).map((n) => [n.id, n]));
    const until = hook.timeout > 0 ? new Date(Date.now() + hook.timeout * 1000) : ctx.deadline;
    const held = (id: string) => {
      const n = nodes.get(id);
      return n?.status === 'ACTIVE' && n.physicalId ? n : null;
    };
    const children: ChildSpec[] = victims.map((id) => ({
      action,
      target: id,
      name: `node_delete_${shortId(id)}`,
      cause: CAUSE_DERIVED_LIFECYCLE,
      heldUntil: held(id) ? until : undefined,
    }));
    const { result, ids } = await this.children.spawnChildren(ctx, { step, children, effects });
    const messages = victims.flatMap((id, i) => {
      const n = held(id);
      return n
        ? [
            {
              lifecycle_action_token: ids[i],
              node_id: id,
              resource_id: n.physicalId!,
              lifecycle_transition_type: 'termination' as const,
            },
          ]
        : [];
    });
    await this.hooks.notify(hook, messages);
    return result;
  }

  /**
   * `count` victims among the cluster's members: those a policy `chose`, else broken ones first
   * (see pickVictims). A chosen node that is no longer a member is never touched.
   */
  async victims(
    clusterId: string,
    count: number,
    chosen: readonly string[] = [],
    data: Record<string, unknown> = {},
  ): Promise<string[]> {
    const members = await this.nodes.members(clusterId);
    if (!chosen.length) {
      // A placement policy without a deletion policy still says which zones or regions give nodes up.
      const d = (data.deletion ?? {}) as { zones?: Record<string, number>; regions?: Record<string, number> };
      if (d.zones) return victimsByBucket(members, d.zones, 'zone', 'YOUNGEST_FIRST', Math.random).slice(0, count);
      if (d.regions)
        return victimsByBucket(members, d.regions, 'region_name', 'YOUNGEST_FIRST', Math.random).slice(0, count);
      return pickVictims(members, count);
    }
    const ids = new Set(members.map((m) => m.id));
    return chosen.filter((id) => ids.has(id)).slice(0, count);
  }

  /** Why a shrink cannot go ahead: fewer members than it must remove are free of scale-in protection. */
  static shortOfVictims(count: number, victims: readonly string[]): string | null {
    return victims.length < count
      ? `Cannot remove ${count} node(s): only ${victims.length} member(s) are not protected from scale-in.`
      : null;
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
