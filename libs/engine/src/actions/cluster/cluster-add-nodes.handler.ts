import { Injectable } from '@nestjs/common';
import { ClusterRepository, NodeRepository } from '@grove/db';
import { Children } from '../../runner/children';
import { HandlesAction, type ClusterActionHandler } from '../../runner/handler-registry';
import type { ClusterActionContext } from '../../runner/action-context';
import { ActionResult } from '../../runner/action-result';
import { evaluateCluster, strictSizeProblem } from '../status';
import { Membership, succeededTargets } from './membership';
import { childrenFailed, conclude, describeFailures } from './outcomes';

/**
 * Makes orphan nodes members (NODE_JOIN each). The nodes are checked again under the cluster lock,
 * since they may have changed since the api looked; desired_capacity grows by the nodes that joined.
 */
/** Where this action resumes after its children end. */
type Step = 'nodes-joined';

@Injectable()
@HandlesAction('CLUSTER_ADD_NODES')
export class ClusterAddNodesHandler implements ClusterActionHandler<'CLUSTER_ADD_NODES', Step> {
  constructor(
    private readonly clusters: ClusterRepository,
    private readonly nodes: NodeRepository,
    private readonly children: Children,
    private readonly members: Membership,
  ) {}

  async run(ctx: ClusterActionContext<'CLUSTER_ADD_NODES', Step>): Promise<ActionResult> {
    const { action, cluster } = ctx;
    if (ctx.step !== null) {
      const joined = succeededTargets(ctx.children);
      const failed = childrenFailed(ctx.children);
      return conclude(ctx, {
        ok: 'Completed adding nodes.',
        failure: failed.length ? `Failed in adding nodes: ${describeFailures(ctx.children)}` : null,
        outputs: { nodes_added: joined },
        // The member count now is the count at the start plus the nodes that joined: nothing
        // else changes the members while this action holds the cluster lock.
        effects: async (em) => {
          const { total } = await this.nodes.countMembers(cluster.id, em);
          return evaluateCluster(this.clusters, this.nodes, em, action, cluster, 'CLUSTER_ADD_NODES', {
            desiredCapacity: total,
          });
        },
      });
    }

    const ids = action.inputs.nodes ?? [];
    const found = new Map((await this.nodes.getByIds(ids)).map((n) => [n.id, n]));
    const errors: string[] = [];
    for (const id of ids) {
      const n = found.get(id);
      if (!n) errors.push(`Node ${id} is not found.`);
      else if (n.clusterId) errors.push(`Node ${id} is already owned by cluster ${n.clusterId}.`);
      else if (n.status !== 'ACTIVE') errors.push(`Node ${id} is not in ACTIVE status.`);
    }
    if (errors.length) return ActionResult.error(errors.join('\n'));

    const { total } = await this.nodes.countMembers(cluster.id);
    const problem = strictSizeProblem(cluster, total + ids.length, this.members.maxNodesPerCluster);
    if (problem) return ActionResult.error(problem);
    if (!ids.length) return this.members.nothingToDo(ctx, 'CLUSTER_ADD_NODES', 'Completed adding nodes.');

    return this.children.spawn(ctx, {
      step: 'nodes-joined',
      children: ids.map((id) => ({ action: 'NODE_JOIN', target: id, inputs: { cluster_id: cluster.id } })),
    });
  }
}
