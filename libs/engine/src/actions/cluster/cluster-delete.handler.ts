import { Injectable } from '@nestjs/common';
import { ClusterRepository, NodeRepository, ReceiverRepository } from '@grove/db';
import { Children } from '../../runner/children';
import { HandlesAction, type ClusterActionHandler } from '../../runner/handler-registry';
import type { ClusterActionContext } from '../../runner/action-context';
import { ActionResult } from '../../runner/action-result';
import { clusterObject, events } from '../../events/event-writer';
import { setClusterStatus } from '../status';
import { childrenFailed, conclude, describeFailures } from './outcomes';
import { PolicyBindings } from './policy-bindings';

/**
 * Detaches every policy (a load balancer a policy made goes with it) and deletes the cluster's
 * receivers, then every member (NODE_DELETE each), then the cluster (SL do_delete).
 */
/** Where this action resumes after its children end. */
type Step = 'nodes-deleted';

@Injectable()
@HandlesAction('CLUSTER_DELETE')
export class ClusterDeleteHandler implements ClusterActionHandler<'CLUSTER_DELETE', Step> {
  constructor(
    private readonly clusters: ClusterRepository,
    private readonly nodes: NodeRepository,
    private readonly children: Children,
    private readonly bindings: PolicyBindings,
    private readonly receivers: ReceiverRepository,
  ) {}

  async run(ctx: ClusterActionContext<'CLUSTER_DELETE', Step>): Promise<ActionResult> {
    const { action, cluster } = ctx;
    if (ctx.step === null) {
      const undetached = await this.bindings.detachAll(ctx);
      if (undetached) return ActionResult.error(undetached);
      await this.receivers.deleteForCluster(cluster.id);
      const members = await this.nodes.members(cluster.id);
      if (members.length) {
        return this.children.spawn(ctx, {
          step: 'nodes-deleted',
          children: members.map((m) => ({ action: 'NODE_DELETE', target: m.id })),
          effects: (em) => setClusterStatus(this.clusters, em, action, cluster, 'DELETING', 'Deletion in progress.'),
        });
      }
    }
    const failed = childrenFailed(ctx.children);
    if (failed.length || ctx.interrupt) {
      const failure = failed.length ? `Failed in deleting nodes: ${describeFailures(ctx.children)}` : null;
      return conclude(ctx, {
        ok: 'Cluster deletion succeeded.',
        failure,
        effects: (em) =>
          setClusterStatus(
            this.clusters,
            em,
            action,
            cluster,
            'ERROR',
            failure ?? 'Deletion was interrupted before every node was deleted.',
          ),
      });
    }
    return ActionResult.ok('Cluster deletion succeeded.', {
      effects: async (em) => {
        await this.clusters.delete(cluster.id, em);
        return [events.status(action, clusterObject(cluster), 'DELETED', 'Cluster deletion succeeded.')];
      },
    });
  }
}
