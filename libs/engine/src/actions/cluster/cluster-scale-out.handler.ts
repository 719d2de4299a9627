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
 * Adds nodes: a scaling policy's count, else the request's, else one (MembershipPlanner). The new
 * size must fit the cluster's bounds; if it does not, the action fails and the cluster is left as it was.
 */
/** Where this action resumes after its children end. */
type Step = 'nodes-created';

@Injectable()
@HandlesAction('CLUSTER_SCALE_OUT')
export class ClusterScaleOutHandler implements ClusterActionHandler<'CLUSTER_SCALE_OUT', Step> {
  constructor(
    private readonly clusters: ClusterRepository,
    private readonly members: Membership,
    private readonly planner: MembershipPlanner,
  ) {}

  async run(ctx: ClusterActionContext<'CLUSTER_SCALE_OUT', Step>): Promise<ActionResult> {
    const { action, cluster } = ctx;
    if (ctx.step === 'nodes-created') {
      return this.members.finish(ctx, { operation: action.action, ok: OK, failedIn: 'creating', key: 'nodes_added' });
    }
    const plan = await this.planner.plan(action, cluster);
    if (plan.kind === 'refused') return ActionResult.error(plan.reason);
    if (plan.kind !== 'grow') return this.members.nothingToDo(ctx, action.action, OK, plan.patch);
    return this.members.grow(ctx, plan.count, 'nodes-created', (em) =>
      setClusterStatus(this.clusters, em, action, cluster, 'RESIZING', 'Cluster scale out started.', plan.patch),
    );
  }
}
