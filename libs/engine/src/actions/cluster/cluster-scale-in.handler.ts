import { Injectable } from '@nestjs/common';
import { ClusterRepository, NodeRepository } from '@grove/db';
import { HandlesAction, type ClusterActionHandler } from '../../runner/handler-registry';
import type { ClusterActionContext } from '../../runner/action-context';
import { ActionResult } from '../../runner/action-result';
import { setClusterStatus, strictSizeProblem } from '../status';
import { Membership } from './membership';
import { deletionSettings, scaleInCount } from './scaling';

/**
 * Removes nodes: a policy's candidates or count, else the request's count, else one, never more
 * than the cluster has. Victims are the policy's, else broken nodes first, then the youngest.
 */
@Injectable()
@HandlesAction('CLUSTER_SCALE_IN')
export class ClusterScaleInHandler implements ClusterActionHandler {
  constructor(
    private readonly clusters: ClusterRepository,
    private readonly nodes: NodeRepository,
    private readonly members: Membership,
  ) {}

  async run(ctx: ClusterActionContext): Promise<ActionResult> {
    const { action, cluster } = ctx;
    if (ctx.step !== null) {
      return this.members.finish(ctx, {
        operation: 'CLUSTER_SCALE_IN',
        ok: 'Cluster scaling succeeded.',
        failedIn: 'deleting',
        key: 'nodes_removed',
      });
    }
    const asked = scaleInCount(action.data, action.inputs);
    if ('error' in asked) return ActionResult.error(asked.error);
    const { total } = await this.nodes.countMembers(cluster.id);
    // A policy's candidates that are still members are the victims, and their number the count.
    const chosen = asked.candidates.length ? await this.members.victims(cluster.id, total, asked.candidates) : null;
    const count = chosen ? chosen.length : Math.min(asked.count, total);
    const desired = total - count;
    const problem = strictSizeProblem(cluster, desired, this.members.maxNodesPerCluster);
    if (problem) return ActionResult.error(problem);
    if (count === 0) {
      return this.members.nothingToDo(ctx, 'CLUSTER_SCALE_IN', 'Cluster scaling succeeded.', {
        desiredCapacity: desired,
      });
    }

    const deletion = deletionSettings(action.data);
    const victims = chosen ?? (await this.members.victims(cluster.id, count, [], action.data));
    const short = Membership.shortOfVictims(count, victims);
    if (short) return ActionResult.error(short);
    if (!(await this.members.grace(ctx, deletion.gracePeriodS))) return this.members.graceInterrupted(ctx);
    return this.members.shrink(ctx, victims, deletion.destroy, 'nodes-deleted', (em) =>
      setClusterStatus(this.clusters, em, action, cluster, 'RESIZING', 'Cluster scale in started.', {
        desiredCapacity: desired,
      }),
    );
  }
}
