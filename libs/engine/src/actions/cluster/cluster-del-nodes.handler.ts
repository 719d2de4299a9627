import { Injectable } from '@nestjs/common';
import { ClusterRepository, NodeRepository } from '@grove/db';
import { HandlesAction, type ClusterActionHandler } from '../../runner/handler-registry';
import type { ClusterActionContext } from '../../runner/action-context';
import { ActionResult } from '../../runner/action-result';
import { evaluateCluster, strictSizeProblem } from '../status';
import { Membership, succeededTargets } from './membership';
import { childrenFailed, conclude, describeFailures } from './outcomes';
import { deletionSettings } from './scaling';

const OK = 'Completed deleting nodes.';

/**
 * Removes the named members: destroyed (NODE_DELETE) when the request or a deletion policy says
 * so, else only detached (NODE_LEAVE), living on as orphans with their cloud resources. Unless a
 * policy says otherwise, desired_capacity shrinks by the nodes that went.
 */
@Injectable()
@HandlesAction('CLUSTER_DEL_NODES')
export class ClusterDelNodesHandler implements ClusterActionHandler<'CLUSTER_DEL_NODES'> {
  constructor(
    private readonly clusters: ClusterRepository,
    private readonly nodes: NodeRepository,
    private readonly members: Membership,
  ) {}

  async run(ctx: ClusterActionContext<'CLUSTER_DEL_NODES'>): Promise<ActionResult> {
    const { action, cluster } = ctx;
    const inputs = action.inputs;
    // A deletion policy's decision wins over the request (SL do_del_nodes).
    const settings = deletionSettings(action.data, inputs.destroy_after_deletion === true);

    if (ctx.step !== null) {
      const failed = childrenFailed(ctx.children);
      return conclude(ctx, {
        ok: OK,
        failure: failed.length ? `Failed in deleting nodes: ${describeFailures(ctx.children)}` : null,
        outputs: { nodes_removed: succeededTargets(ctx.children) },
        // Nothing else changes the members while this action holds the cluster lock, so the
        // member count now is the count at the start less the nodes that went.
        effects: async (em) => {
          const { total } = await this.nodes.countMembers(cluster.id, em);
          const patch = settings.reduceDesired ? { desiredCapacity: total } : {};
          return evaluateCluster(this.clusters, this.nodes, em, action, cluster, 'CLUSTER_DEL_NODES', patch);
        },
      });
    }

    const ids = inputs.candidates ?? [];
    const found = new Map((await this.nodes.getByIds(ids)).map((n) => [n.id, n]));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length) return ActionResult.error(`Nodes not found: [${missing.map((id) => `'${id}'`).join(', ')}].`);
    // Nodes that left the cluster since the request was accepted are skipped, as in Senlin.
    const victims = ids.filter((id) => found.get(id)!.clusterId === cluster.id);
    if (!victims.length) return this.members.nothingToDo(ctx, 'CLUSTER_DEL_NODES', OK);

    const { total } = await this.nodes.countMembers(cluster.id);
    const problem = strictSizeProblem(cluster, total - victims.length, this.members.maxNodesPerCluster);
    if (problem) return ActionResult.error(problem);

    if (!(await this.members.grace(ctx, settings.gracePeriodS))) return this.members.graceInterrupted(ctx);
    return this.members.shrink(ctx, victims, settings.destroy, 'nodes-removed');
  }
}
