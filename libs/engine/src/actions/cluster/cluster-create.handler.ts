import { Injectable } from '@nestjs/common';
import { ClusterRepository, NodeRepository } from '@grove/db';
import { HandlesAction, type ClusterActionHandler } from '../../runner/handler-registry';
import type { ClusterActionContext } from '../../runner/action-context';
import { ActionResult } from '../../runner/action-result';
import { evaluateCluster, setClusterStatus } from '../status';
import { Membership } from './membership';
import { childrenFailed, conclude, describeFailures } from './outcomes';

/** Creates `desired_capacity` member nodes, one NODE_CREATE each, spread over every engine. */
@Injectable()
@HandlesAction('CLUSTER_CREATE')
export class ClusterCreateHandler implements ClusterActionHandler<'CLUSTER_CREATE'> {
  constructor(
    private readonly clusters: ClusterRepository,
    private readonly nodes: NodeRepository,
    private readonly members: Membership,
  ) {}

  async run(ctx: ClusterActionContext<'CLUSTER_CREATE'>): Promise<ActionResult> {
    const { action, cluster } = ctx;
    if (ctx.step === null) {
      const count = cluster.desiredCapacity;
      if (count === 0) return this.finish(ctx, [], null);
      return this.members.grow(ctx, count, 'nodes-created', (em) =>
        setClusterStatus(this.clusters, em, action, cluster, 'CREATING', 'Creation in progress.'),
      );
    }
    const failed = childrenFailed(ctx.children);
    const added = ctx.children.filter((c) => c.status === 'SUCCEEDED').map((c) => c.target);
    return this.finish(
      ctx,
      added,
      failed.length ? `Failed in creating nodes: ${describeFailures(ctx.children)}` : null,
    );
  }

  private finish(ctx: ClusterActionContext<'CLUSTER_CREATE'>, added: string[], failure: string | null): ActionResult {
    const { action, cluster } = ctx;
    const done = !failure && !ctx.interrupt;
    return conclude(ctx, {
      ok: 'Cluster creation succeeded.',
      failure,
      outputs: { nodes_added: added },
      // created_at marks a cluster whose creation finished (null before, as in Senlin).
      effects: (em) =>
        evaluateCluster(
          this.clusters,
          this.nodes,
          em,
          action,
          cluster,
          'CLUSTER_CREATE',
          done ? { createdAt: new Date() } : {},
        ),
    });
  }
}
