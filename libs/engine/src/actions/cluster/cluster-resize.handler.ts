import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ClusterRepository } from '@grove/db';
import { HandlesAction, type ClusterActionHandler } from '../../runner/handler-registry';
import type { ClusterActionContext } from '../../runner/action-context';
import { ActionResult } from '../../runner/action-result';
import { setClusterStatus } from '../status';
import { Membership } from './membership';
import { MembershipPlanner } from './membership-plan';

const OK = 'Cluster resize succeeded.';

/**
 * Takes the cluster to a new size and, optionally, new bounds: the new desired capacity and
 * bounds are written first (RESIZING), then the difference from the live node count is created
 * or deleted (MembershipPlanner). A request that no longer fits fails without touching the cluster.
 */
/** Where this action resumes after its children end. */
type Step = 'nodes-created' | 'nodes-deleted';

@Injectable()
@HandlesAction('CLUSTER_RESIZE')
export class ClusterResizeHandler implements ClusterActionHandler<'CLUSTER_RESIZE', Step> {
  constructor(
    private readonly clusters: ClusterRepository,
    private readonly members: Membership,
    private readonly planner: MembershipPlanner,
  ) {}

  async run(ctx: ClusterActionContext<'CLUSTER_RESIZE', Step>): Promise<ActionResult> {
    const { action, cluster } = ctx;
    if (ctx.step === 'nodes-created' || ctx.step === 'nodes-deleted') {
      const created = ctx.step === 'nodes-created';
      return this.members.finish(ctx, {
        operation: action.action,
        ok: OK,
        failedIn: created ? 'creating' : 'deleting',
        key: created ? 'nodes_added' : 'nodes_removed',
      });
    }
    const plan = await this.planner.plan(action, cluster);
    if (plan.kind === 'refused') return ActionResult.error(plan.reason);
    if (plan.kind === 'unchanged') return this.members.nothingToDo(ctx, action.action, OK, plan.patch);
    const started = (em: EntityManager) =>
      setClusterStatus(this.clusters, em, action, cluster, 'RESIZING', 'Cluster resize started.', plan.patch);
    if (plan.kind === 'grow') return this.members.grow(ctx, plan.count, 'nodes-created', started);
    if (!(await this.members.grace(ctx, plan.graceS))) return this.members.graceInterrupted(ctx);
    return this.members.shrink(ctx, plan.victims, plan.destroy, 'nodes-deleted', started);
  }
}
