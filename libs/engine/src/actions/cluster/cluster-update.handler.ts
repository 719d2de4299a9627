import { Injectable } from '@nestjs/common';
import { ClusterRepository, NodeRepository, type ClusterPatch } from '@grove/db';
import { Children } from '../../runner/children';
import { HandlesAction, type ClusterActionHandler } from '../../runner/handler-registry';
import type { ClusterActionContext } from '../../runner/action-context';
import { ActionResult, type Effects } from '../../runner/action-result';
import { evaluateCluster, setClusterStatus } from '../status';
import { Membership } from './membership';
import { childrenFailed, conclude, describeFailures } from './outcomes';

const OK = 'Cluster update completed.';
const STOP_TIMEOUT = 'cluster.stop_timeout_before_update';

/**
 * Changes a cluster's own properties at once; a new profile is rolled over every member
 * (NODE_UPDATE each: all at once, or in the waves a batch policy planned, with its pause between
 * them) and becomes the cluster's only if every member took it. `profile_only` swaps the profile
 * for future nodes alone.
 */
/** Where this action resumes after its children end. */
type Step = `batch-${number}`;

@Injectable()
@HandlesAction('CLUSTER_UPDATE')
export class ClusterUpdateHandler implements ClusterActionHandler<'CLUSTER_UPDATE', Step> {
  constructor(
    private readonly clusters: ClusterRepository,
    private readonly nodes: NodeRepository,
    private readonly children: Children,
    private readonly members: Membership,
  ) {}

  async run(ctx: ClusterActionContext<'CLUSTER_UPDATE', Step>): Promise<ActionResult> {
    const { action, cluster } = ctx;
    const inputs = action.inputs;
    if (ctx.step !== null) {
      const failed = childrenFailed(ctx.children);
      const next = nextBatch(ctx.step, batchPlan(action.data));
      if (next !== null && !failed.length && !ctx.interrupt) {
        // A batch policy's pause between waves, so the updated nodes can prove themselves first.
        if (!(await this.members.grace(ctx, next.pauseS))) return this.members.graceInterrupted(ctx);
        return this.spawnBatch(ctx, next.index, next.nodes, inputs.new_profile_id!);
      }
      const done = !failed.length && !ctx.interrupt;
      return conclude(ctx, {
        ok: OK,
        failure: failed.length ? `Failed in updating nodes: ${describeFailures(ctx.children)}` : null,
        effects: (em) =>
          evaluateCluster(
            this.clusters,
            this.nodes,
            em,
            action,
            cluster,
            'CLUSTER_UPDATE',
            done ? { profileId: inputs.new_profile_id } : {},
          ),
      });
    }

    const patch: ClusterPatch = {};
    if (inputs.config !== undefined) {
      const config = { ...inputs.config };
      const stop = config[STOP_TIMEOUT];
      if (stop !== undefined && stop !== null && stop !== '') {
        const n = typeof stop === 'string' && /^\s*-?\d+\s*$/.test(stop) ? Number(stop) : stop;
        if (typeof n !== 'number' || !Number.isInteger(n)) {
          return ActionResult.error(`The value of '${STOP_TIMEOUT}' must be an integer: '${String(stop)}'.`);
        }
        config[STOP_TIMEOUT] = n;
      }
      patch.config = config;
    }
    if (inputs.name !== undefined) patch.name = inputs.name;
    if (inputs.metadata !== undefined) patch.metadata = inputs.metadata;
    if (inputs.timeout !== undefined) patch.timeout = inputs.timeout;

    const profileId = inputs.new_profile_id;
    const members = profileId && !inputs.profile_only ? await this.nodes.members(cluster.id) : [];
    if (!members.length) {
      if (profileId) patch.profileId = profileId;
      return ActionResult.ok(OK, {
        // The event names the cluster by its new name.
        effects: (em) =>
          evaluateCluster(this.clusters, this.nodes, em, action, { ...cluster, ...patch }, 'CLUSTER_UPDATE', patch),
      });
    }
    const plan = batchPlan(action.data);
    const planned = plan?.batches[0].filter((id) => members.some((m) => m.id === id)) ?? [];
    const first = planned.length ? planned : members.map((m) => m.id);
    return this.spawnBatch(ctx, 0, first, profileId!, (em) =>
      setClusterStatus(this.clusters, em, action, cluster, 'UPDATING', 'Update in progress', patch),
    );
  }

  /** NODE_UPDATE for each node of one wave; step `batch-<i>` says which wave to resume after. */
  private spawnBatch(
    ctx: ClusterActionContext,
    index: number,
    nodes: readonly string[],
    profileId: string,
    effects?: Effects,
  ): Promise<ActionResult> {
    return this.children.spawn(ctx, {
      step: `batch-${index}`,
      children: nodes.map((id) => ({ action: 'NODE_UPDATE', target: id, inputs: { new_profile_id: profileId } })),
      effects,
    });
  }
}

/** A batch policy's waves (`data.update.plan`) and the pause between them; null without one. */
function batchPlan(data: Record<string, unknown>): { batches: string[][]; pauseS: number } | null {
  const u = data.update as { plan?: unknown; pause_time?: unknown } | undefined;
  if (!u || !Array.isArray(u.plan) || !u.plan.length) return null;
  const batches = u.plan.map((b) => (Array.isArray(b) ? b.filter((x): x is string => typeof x === 'string') : []));
  return { batches, pauseS: Math.max(0, Number(u.pause_time) || 0) };
}

/** The wave after the one that just ended (`batch-<i>`), or null when that was the last. */
function nextBatch(
  step: string,
  plan: ReturnType<typeof batchPlan>,
): { index: number; nodes: string[]; pauseS: number } | null {
  const done = /^batch-(\d+)$/.exec(step);
  if (!plan || !done) return null;
  for (let i = Number(done[1]) + 1; i < plan.batches.length; i++) {
    if (plan.batches[i].length) return { index: i, nodes: plan.batches[i], pauseS: plan.pauseS };
  }
  return null;
}
