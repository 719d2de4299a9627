import { Injectable } from '@nestjs/common';
import { resolveParams, shortId, SpecError, type ActionInputs } from '@grove/core';
import { ClusterRepository, NodeRepository } from '@grove/db';
import { Children } from '../../runner/children';
import { HandlesAction, type ClusterActionHandler } from '../../runner/handler-registry';
import type { ClusterActionContext } from '../../runner/action-context';
import { ActionResult } from '../../runner/action-result';
import { Profiles } from '../../ports/profiles';
import { evaluateCluster, setClusterStatus } from '../status';
import { childrenFailed, conclude, describeFailures } from './outcomes';

/**
 * Runs one of the profile type's operations (reboot, stop, …) on the members the request
 * selected, NODE_OPERATION each. The cluster is OPERATING meanwhile and evaluated at the end under
 * the operation's name, as Senlin does.
 */
/** Where this action resumes after its children end. */
type Step = 'nodes-operated';

@Injectable()
@HandlesAction('CLUSTER_OPERATION')
export class ClusterOperationHandler implements ClusterActionHandler<'CLUSTER_OPERATION', Step> {
  constructor(
    private readonly clusters: ClusterRepository,
    private readonly nodes: NodeRepository,
    private readonly children: Children,
    private readonly profiles: Profiles,
  ) {}

  async run(ctx: ClusterActionContext<'CLUSTER_OPERATION', Step>): Promise<ActionResult> {
    const { action, cluster } = ctx;
    const inputs = action.inputs;
    const op = inputs.operation;
    if (ctx.step !== null) {
      const failed = childrenFailed(ctx.children);
      return conclude(ctx, {
        ok: `Cluster operation '${op}' completed.`,
        failure: failed.length ? `Failed in operating nodes: ${describeFailures(ctx.children)}` : null,
        effects: (em) => evaluateCluster(this.clusters, this.nodes, em, action, cluster, op),
      });
    }

    const profile = await this.profiles.load(cluster.profileId);
    const schema = Object.hasOwn(profile.type.operations, op) ? profile.type.operations[op] : null;
    if (!schema) {
      return ActionResult.error(
        `The requested operation '${op}' is not supported by the profile type '${profile.entity.type}'.`,
      );
    }
    let params: Record<string, unknown>;
    try {
      params = resolveParams(schema, inputs.params ?? {});
    } catch (e) {
      if (e instanceof SpecError) return ActionResult.error(e.reason);
      throw e;
    }
    // Members only: a node that left the cluster since the request was accepted is not touched.
    const wanted = new Set(inputs.nodes ?? []);
    const targets = (await this.nodes.members(cluster.id)).filter((m) => wanted.has(m.id));
    if (!targets.length) {
      return ActionResult.ok(`Cluster operation '${op}' completed.`, {
        effects: (em) => evaluateCluster(this.clusters, this.nodes, em, action, cluster, op),
      });
    }
    const childInputs: ActionInputs['NODE_OPERATION'] = { operation: op, params };
    return this.children.spawn(ctx, {
      step: 'nodes-operated',
      children: targets.map((m) => ({
        action: 'NODE_OPERATION',
        target: m.id,
        inputs: childInputs,
        name: `node_${op}_${shortId(m.id)}`,
      })),
      effects: (em) => setClusterStatus(this.clusters, em, action, cluster, 'OPERATING', `Operation ${op} in progress`),
    });
  }
}
