import { Injectable } from '@nestjs/common';
import { ActionRepository, ClusterRepository, NodeRepository } from '@grove/db';
import { Children } from '../../runner/children';
import { HandlesAction, type ClusterActionHandler } from '../../runner/handler-registry';
import type { ClusterActionContext } from '../../runner/action-context';
import { ActionResult, type Effects } from '../../runner/action-result';
import { evaluateCluster, setClusterStatus } from '../status';
import { childrenFailed, conclude, describeFailures } from './outcomes';
import { isTrue } from './scaling';

const OK = 'Cluster checking completed.';

/** Checks every member against the cloud (NODE_CHECK each), then evaluates the cluster. */
/** Where this action resumes after its children end. */
type Step = 'nodes-checked';

@Injectable()
@HandlesAction('CLUSTER_CHECK')
export class ClusterCheckHandler implements ClusterActionHandler<'CLUSTER_CHECK', Step> {
  constructor(
    private readonly clusters: ClusterRepository,
    private readonly nodes: NodeRepository,
    private readonly actions: ActionRepository,
    private readonly children: Children,
  ) {}

  async run(ctx: ClusterActionContext<'CLUSTER_CHECK', Step>): Promise<ActionResult> {
    const { action, cluster } = ctx;
    const evaluate: Effects = (em) => evaluateCluster(this.clusters, this.nodes, em, action, cluster, 'CLUSTER_CHECK');
    if (ctx.step !== null) {
      const failed = childrenFailed(ctx.children);
      return conclude(ctx, {
        ok: OK,
        failure: failed.length ? `Failed in checking nodes: ${describeFailures(ctx.children)}` : null,
        effects: evaluate,
      });
    }
    if (isTrue(action.inputs.delete_check_action)) await this.actions.purgeFinishedChecks(cluster.id);
    const members = await this.nodes.members(cluster.id);
    if (!members.length) return ActionResult.ok(OK, { effects: evaluate });
    return this.children.spawn(ctx, {
      step: 'nodes-checked',
      children: members.map((m) => ({ action: 'NODE_CHECK', target: m.id, inputs: action.inputs })),
      effects: (em) => setClusterStatus(this.clusters, em, action, cluster, 'CHECKING', 'Check in progress'),
    });
  }
}
