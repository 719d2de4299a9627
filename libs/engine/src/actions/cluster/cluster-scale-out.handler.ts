import { Injectable } from '@nestjs/common';
import { ClusterRepository, NodeRepository } from '@grove/db';
import { HandlesAction, type ClusterActionHandler } from '../../runner/handler-registry';
import type { ClusterActionContext } from '../../runner/action-context';
import { ActionResult } from '../../runner/action-result';
import { setClusterStatus, strictSizeProblem } from '../status';
import { Membership } from './membership';
import { scaleOutCount } from './scaling';

/**
 * Adds nodes: a scaling policy's count, else the request's, else one. The new size must fit the
 * cluster's bounds; if it does not, the action fails and the cluster is left as it was.
 */
@Injectable()
@HandlesAction('CLUSTER_SCALE_OUT')
export class ClusterScaleOutHandler implements ClusterActionHandler {
  constructor(
    private readonly clusters: ClusterRepository,
    private readonly nodes: NodeRepository,
    private readonly members: Membership,
  ) {}

  async run(ctx: ClusterActionContext): Promise<ActionResult> {
    const { action, cluster } = ctx;
    if (ctx.step !== null) {
      return this.members.finish(ctx, {
        operation: 'CLUSTER_SCALE_OUT',
        ok: 'Cluster scaling succeeded.',
        failedIn: 'creating',
        key: 'nodes_added',
      });
    }
    const count = scaleOutCount(action.data, action.inputs);
    if (typeof count !== 'number') return ActionResult.error(count.error);
    const { total } = await this.nodes.countMembers(cluster.id);
    const desired = total + count;
    const problem = strictSizeProblem(cluster, desired, this.members.maxNodesPerCluster);
    if (problem) return ActionResult.error(problem);
    if (count === 0) {
      return this.members.nothingToDo(ctx, 'CLUSTER_SCALE_OUT', 'Cluster scaling succeeded.', {
        desiredCapacity: desired,
      });
    }
    return this.members.grow(ctx, count, 'nodes-created', (em) =>
      setClusterStatus(this.clusters, em, action, cluster, 'RESIZING', 'Cluster scale out started.', {
        desiredCapacity: desired,
      }),
    );
  }
}
