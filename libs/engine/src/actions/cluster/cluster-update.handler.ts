import { Injectable } from '@nestjs/common';
import type { ActionInputs } from '@grove/core';
import { ClusterRepository, NodeRepository, type ClusterPatch } from '@grove/db';
import { Children } from '../../runner/children';
import { HandlesAction, type ClusterActionHandler } from '../../runner/handler-registry';
import type { ClusterActionContext } from '../../runner/action-context';
import { ActionResult } from '../../runner/action-result';
import { evaluateCluster, setClusterStatus } from '../status';
import { childrenFailed, conclude, describeFailures } from './outcomes';

const OK = 'Cluster update completed.';
const STOP_TIMEOUT = 'cluster.stop_timeout_before_update';

/**
 * Changes a cluster's own properties at once; a new profile is rolled over every member
 * (NODE_UPDATE each, all at the same time until a batch policy plans waves) and becomes the
 * cluster's only if every member took it. `profile_only` swaps the profile for future nodes alone.
 */
@Injectable()
@HandlesAction('CLUSTER_UPDATE')
export class ClusterUpdateHandler implements ClusterActionHandler {
  constructor(
    private readonly clusters: ClusterRepository,
    private readonly nodes: NodeRepository,
    private readonly children: Children,
  ) {}

  async run(ctx: ClusterActionContext): Promise<ActionResult> {
    const { action, cluster } = ctx;
    const inputs = action.inputs as ActionInputs['CLUSTER_UPDATE'];
    if (ctx.step !== null) {
      const failed = childrenFailed(ctx.children);
      const done = !failed.length && !ctx.interrupt;
      return conclude(ctx, {
        ok: OK,
        failure: failed.length ? `Failed in updating nodes: ${describeFailures(ctx.children)}` : null,
        effects: (em) =>
          evaluateCluster(
            this.clusters,
            this.nodes,
            em,
            action,
            cluster,
            'CLUSTER_UPDATE',
            done ? { profileId: inputs.new_profile_id } : {},
          ),
      });
    }

    const patch: ClusterPatch = {};
    if (inputs.config !== undefined) {
      const config = { ...inputs.config };
      const stop = config[STOP_TIMEOUT];
      if (stop !== undefined && stop !== null && stop !== '') {
        const n = typeof stop === 'string' && /^\s*-?\d+\s*$/.test(stop) ? Number(stop) : stop;
        if (typeof n !== 'number' || !Number.isInteger(n)) {
          return ActionResult.error(`The value of '${STOP_TIMEOUT}' must be an integer: '${String(stop)}'.`);
        }
        config[STOP_TIMEOUT] = n;
      }
      patch.config = config;
    }
    if (inputs.name !== undefined) patch.name = inputs.name;
    if (inputs.metadata !== undefined) patch.metadata = inputs.metadata;
    if (inputs.timeout !== undefined) patch.timeout = inputs.timeout;

    const profileId = inputs.new_profile_id;
    const members = profileId && !inputs.profile_only ? await this.nodes.members(cluster.id) : [];
    if (!members.length) {
      if (profileId) patch.profileId = profileId;
      return ActionResult.ok(OK, {
        // The event names the cluster by its new name.
        effects: (em) =>
          evaluateCluster(this.clusters, this.nodes, em, action, { ...cluster, ...patch }, 'CLUSTER_UPDATE', patch),
      });
    }
    return this.children.spawn(ctx, {
      step: 'nodes-updated',
      children: members.map((m) => ({ action: 'NODE_UPDATE', target: m.id, inputs: { new_profile_id: profileId } })),
      effects: (em) => setClusterStatus(this.clusters, em, action, cluster, 'UPDATING', 'Update in progress', patch),
    });
  }
}
