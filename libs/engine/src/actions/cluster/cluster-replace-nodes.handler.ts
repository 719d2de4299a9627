import { Injectable } from '@nestjs/common';
import { ClusterRepository, NodeRepository } from '@grove/db';
import { Children, type ChildSpec } from '../../runner/children';
import { HandlesAction, type ClusterActionHandler } from '../../runner/handler-registry';
import type { ClusterActionContext } from '../../runner/action-context';
import { ActionResult } from '../../runner/action-result';
import { evaluateCluster } from '../status';
import { childrenFailed, conclude, describeFailures } from './outcomes';

/**
 * Swaps members for orphan nodes, pair by pair: the new node joins first and the old one leaves
 * only once it has (a failed join cancels its pair's leave), so capacity never dips.
 */
/** Where this action resumes after its children end. */
type Step = 'nodes-replaced';

@Injectable()
@HandlesAction('CLUSTER_REPLACE_NODES')
export class ClusterReplaceNodesHandler implements ClusterActionHandler<'CLUSTER_REPLACE_NODES', Step> {
  constructor(
    private readonly clusters: ClusterRepository,
    private readonly nodes: NodeRepository,
    private readonly children: Children,
  ) {}

  async run(ctx: ClusterActionContext<'CLUSTER_REPLACE_NODES', Step>): Promise<ActionResult> {
    const { action, cluster } = ctx;
    if (ctx.step !== null) {
      const failed = childrenFailed(ctx.children);
      return conclude(ctx, {
        ok: 'Completed replacing nodes.',
        failure: failed.length ? `Failed in replacing nodes: ${describeFailures(ctx.children)}` : null,
        effects: (em) => evaluateCluster(this.clusters, this.nodes, em, action, cluster, 'CLUSTER_REPLACE_NODES'),
      });
    }

    const pairs = Object.entries(action.inputs.candidates ?? {});
    if (!pairs.length) return ActionResult.error('Candidates must be a non-empty dict. Instead got {}');
    const found = new Map((await this.nodes.getByIds(pairs.flat())).map((n) => [n.id, n]));
    const errors: string[] = [];
    for (const [original, replacement] of pairs) {
      const o = found.get(original);
      const r = found.get(replacement);
      if (!o) errors.push(`Original node ${original} not found.`);
      else if (!r) errors.push(`Replacement node ${replacement} not found.`);
      else if (o.clusterId !== cluster.id)
        errors.push(`Node ${original} is not a member of the cluster ${cluster.id}.`);
      else if (r.clusterId) errors.push(`Node ${replacement} is already owned by cluster ${r.clusterId}.`);
      else if (r.status !== 'ACTIVE') errors.push(`Node ${replacement} is not in ACTIVE status.`);
    }
    if (errors.length) return ActionResult.error(errors.join('\n'));

    const children = pairs.flatMap(([original, replacement], i): ChildSpec[] => [
      { action: 'NODE_JOIN', target: replacement, inputs: { cluster_id: cluster.id } },
      { action: 'NODE_LEAVE', target: original, after: [2 * i] },
    ]);
    return this.children.spawn(ctx, { step: 'nodes-replaced', children });
  }
}
