import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CAUSE_RPC, sleep } from '@grove/core';
import { ClusterRepository, NodeRepository, type EventEntity } from '@grove/db';
import { ENGINE_OPTIONS, type EngineOptions } from '../../engine-options';
import { HandlesAction, type NodeActionHandler } from '../../runner/handler-registry';
import type { NodeActionContext } from '../../runner/action-context';
import { ActionResult } from '../../runner/action-result';
import { ProfileContexts, Profiles, toProfileNode } from '../../ports/profiles';
import { events, nodeObject } from '../../events/event-writer';
import { deletionSettings } from '../cluster/scaling';
import { evaluateCluster, markNode, setNodeStatus, strictSizeProblem } from '../status';
import { brokeOff, failureReason } from './failure-reason';

/**
 * Removes the node's cloud resource, then the node. When the resource cannot be removed the node
 * stays, in ERROR, still pointing at it, so nothing in the cloud is forgotten. A node without a
 * physical id may still have one (its create's writes were lost): the cloud is searched by the
 * node's tags, and whatever carries them goes.
 *
 * A user's delete of a member (not one a cluster action derived) first checks that the cluster
 * may shrink by one; once the node is gone desired_capacity follows (unless a deletion policy
 * says not to), and the cluster is evaluated either way (SL NodeAction.do_delete).
 */
@Injectable()
@HandlesAction('NODE_DELETE')
export class NodeDeleteHandler implements NodeActionHandler<'NODE_DELETE'> {
  constructor(
    @Inject(ENGINE_OPTIONS) private readonly o: EngineOptions,
    private readonly nodes: NodeRepository,
    private readonly clusters: ClusterRepository,
    private readonly profiles: Profiles,
    private readonly contexts: ProfileContexts,
  ) {}

  async run(ctx: NodeActionContext<'NODE_DELETE'>): Promise<ActionResult> {
    const { action, node } = ctx;
    const cluster = node.clusterId && action.cause === CAUSE_RPC ? await this.clusters.getById(node.clusterId) : null;
    const deletion = deletionSettings(action.data);
    let desired = 0;
    if (cluster) {
      desired = (await this.nodes.countMembers(cluster.id)).total - 1;
      const problem = strictSizeProblem(cluster, desired, this.o.config.MAX_NODES_PER_CLUSTER);
      if (problem) return ActionResult.error(problem);
      // A deletion policy's grace period; a cancel cuts it short and then stops the delete itself.
      const grace = Math.min(deletion.gracePeriodS * 1000, Math.max(0, ctx.deadline.getTime() - Date.now()));
      if (grace > 0) await sleep(grace, ctx.signal).catch(() => undefined);
    }
    const evaluate = async (em: EntityManager, deleted: boolean): Promise<EventEntity[]> =>
      cluster
        ? evaluateCluster(
            this.clusters,
            this.nodes,
            em,
            action,
            cluster,
            'NODE_DELETE',
            deleted && deletion.reduceDesired ? { desiredCapacity: desired } : {},
          )
        : [];

    const profile = await this.profiles.load(node.profileId);
    await markNode(this.nodes, action, node, 'DELETING', 'Deletion in progress');
    const pctx = this.contexts.for(profile, ctx.signal, ctx.deadline, ctx.log, ctx.node);
    const pnode = toProfileNode(node);
    const o = { force: action.inputs.force === true };
    try {
      const found = pnode.physicalId ? [] : await profile.type.findCreated(pctx, pnode, profile.properties);
      for (const id of found) {
        ctx.log.warn({ physicalId: id }, 'deleting a resource the node never recorded, found by its tags');
        await profile.type.delete(pctx, { ...pnode, physicalId: id }, profile.properties, o);
      }
      if (!found.length) await profile.type.delete(pctx, pnode, profile.properties, o);
    } catch (e) {
      const reason = `Failed in deleting node: ${failureReason(e, ctx)}`;
      return brokeOff(ctx, reason, async (em) => [
        await setNodeStatus(this.nodes, em, action, node, 'ERROR', reason),
        ...(await evaluate(em, false)),
      ]);
    }
    return ActionResult.ok('Node deleted successfully.', {
      effects: async (em) => {
        // The hosts this node ran on (CreateResult.dependsOn) stop listing it.
        await this.nodes.removeDependent(node.id, em);
        await this.nodes.delete(node.id, em);
        return [
          events.status(action, nodeObject(node), 'DELETED', 'Deletion succeeded'),
          ...(await evaluate(em, true)),
        ];
      },
    });
  }
}
