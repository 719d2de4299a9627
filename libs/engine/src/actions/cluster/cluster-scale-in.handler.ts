import { Injectable } from '@nestjs/common';
import { ClusterRepository } from '@grove/db';
import { HandlesAction, type ClusterActionHandler } from '../../runner/handler-registry';
import type { ClusterActionContext } from '../../runner/action-context';
import { ActionResult } from '../../runner/action-result';
import { setClusterStatus } from '../status';
import { Membership } from './membership';
import { MembershipPlanner } from './membership-plan';

const OK = 'Cluster scaling succeeded.';

/**
 * Removes nodes: a policy's candidates or count, else the request's count, else one, never more
 * than the cluster has (MembershipPlanner). A deletion policy's grace period passes first.
 */
/** Where this action resumes after its children end. */
type Step = 'nodes-deleted';

@Injectable()
@HandlesAction('CLUSTER_SCALE_IN')
export class ClusterScaleInHandler implements ClusterActionHandler<'CLUSTER_SCALE_IN', Step> {
  constructor(
    private readonly clusters: ClusterRepository,
    private readonly members: Membership,
    private readonly planner: MembershipPlanner,
  ) {}

  async run(ctx: ClusterActionContext<'CLUSTER_SCALE_IN', Step>): Promise<ActionResult> {
    const { action, cluster } = ctx;
    if (ctx.step === 'nodes-deleted') {
      return this.members.finish(ctx, { operation: action.action, ok: OK, failedIn: 'deleting', key: 'nodes_removed' });
    }
    const plan = await this.planner.plan(action, cluster);
    if (plan.kind === 'refused') return ActionResult.error(plan.reason);
    if (plan.kind !== 'shrink') return this.members.nothingToDo(ctx, action.action, OK, plan.patch);
    if (!(await this.members.grace(ctx, plan.graceS))) return this.members.graceInterrupted(ctx);
    return this.members.shrink(ctx, plan.victims, plan.destroy, 'nodes-deleted', (em) =>
      setClusterStatus(this.clusters, em, action, cluster, 'RESIZING', 'Cluster scale in started.', plan.patch),
    );
  }
}
