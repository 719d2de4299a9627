import { Injectable } from '@nestjs/common';
import { ClusterRepository, NodeRepository } from '@grove/db';
import { HandlesAction, type NodeActionHandler } from '../../runner/handler-registry';
import type { NodeActionContext } from '../../runner/action-context';
import { ActionResult } from '../../runner/action-result';
import { ProfileContexts, Profiles, toProfileNode } from '../../ports/profiles';
import { brokeOff, failureReason } from './failure-reason';
import { resourceGone } from './resource-gone';

/**
 * Makes an orphan node a member of `inputs.cluster_id`: it takes the cluster's next index and its
 * cloud resource is re-tagged with the cluster (profile `join`). A resource that is gone does not
 * stop the join; the next check of the cluster finds the node broken.
 */
@Injectable()
@HandlesAction('NODE_JOIN')
export class NodeJoinHandler implements NodeActionHandler<'NODE_JOIN'> {
  constructor(
    private readonly nodes: NodeRepository,
    private readonly clusters: ClusterRepository,
    private readonly profiles: Profiles,
    private readonly contexts: ProfileContexts,
  ) {}

  async run(ctx: NodeActionContext<'NODE_JOIN'>): Promise<ActionResult> {
    const { node } = ctx;
    const clusterId = ctx.action.inputs.cluster_id;
    if (!clusterId) return ActionResult.error('Node failed in joining cluster: no cluster was given.');
    if (node.clusterId === clusterId) return ActionResult.ok('Node successfully joined cluster.');
    if (node.clusterId)
      return ActionResult.error(`Node failed in joining cluster: it is a member of cluster ${node.clusterId}.`);
    if (!(await this.clusters.getById(clusterId))) {
      return ActionResult.error(`Node failed in joining cluster: the cluster '${clusterId}' could not be found.`);
    }

    const index = await this.clusters.takeIndexes(clusterId, 1);
    const profile = await this.profiles.load(node.profileId);
    const pctx = this.contexts.for(profile, ctx.signal, ctx.deadline, ctx.log, ctx.node);
    let note = '';
    try {
      await profile.type.join(pctx, toProfileNode(node), profile.properties, clusterId, index);
    } catch (e) {
      if (!resourceGone(e)) return brokeOff(ctx, `Node failed in joining cluster: ${failureReason(e, ctx)}`);
      ctx.log.warn({ err: e, physicalId: node.physicalId }, 'joining a node whose cloud resource is gone');
      note = ' Its cloud resource could not be found, so it was not re-tagged.';
    }
    return ActionResult.ok(`Node successfully joined cluster.${note}`, {
      effects: (em) => this.nodes.update(node.id, { clusterId, index }, em),
    });
  }
}
