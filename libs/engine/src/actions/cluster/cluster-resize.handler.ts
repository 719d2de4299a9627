import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ActionInputs } from '@grove/core';
import { ClusterRepository, NodeRepository, type ClusterPatch } from '@grove/db';
import { HandlesAction, type ClusterActionHandler } from '../../runner/handler-registry';
import type { ClusterActionContext } from '../../runner/action-context';
import { ActionResult } from '../../runner/action-result';
import { setClusterStatus, sizeBounds } from '../status';
import { Membership } from './membership';
import { deletionSettings, resizeTarget } from './scaling';

const OK = 'Cluster resize succeeded.';

/**
 * Takes the cluster to a new size and, optionally, new bounds: the new desired capacity and
 * bounds are written first (RESIZING), then the difference from the live node count is created
 * or deleted. A request that no longer fits (the cluster changed since the api checked it) fails
 * without touching the cluster.
 */
@Injectable()
@HandlesAction('CLUSTER_RESIZE')
export class ClusterResizeHandler implements ClusterActionHandler {
  constructor(
    private readonly clusters: ClusterRepository,
    private readonly nodes: NodeRepository,
    private readonly members: Membership,
  ) {}

  async run(ctx: ClusterActionContext): Promise<ActionResult> {
    const { action, cluster } = ctx;
    if (ctx.step === 'nodes-created' || ctx.step === 'nodes-deleted') {
      const created = ctx.step === 'nodes-created';
      return this.members.finish(ctx, {
        operation: 'CLUSTER_RESIZE',
        ok: OK,
        failedIn: created ? 'creating' : 'deleting',
        key: created ? 'nodes_added' : 'nodes_removed',
      });
    }
    const inputs = action.inputs as Partial<ActionInputs['CLUSTER_RESIZE']>;
    const { total } = await this.nodes.countMembers(cluster.id);
    const target = resizeTarget(sizeBounds(cluster), total, action.data, inputs, this.members.maxNodesPerCluster);
    if ('error' in target) return ActionResult.error(target.error);

    const patch: ClusterPatch = { desiredCapacity: target.desired };
    if (target.minSize !== null) patch.minSize = target.minSize;
    if (target.maxSize !== null) patch.maxSize = target.maxSize;
    const started = (em: EntityManager) =>
      setClusterStatus(this.clusters, em, action, cluster, 'RESIZING', 'Cluster resize started.', patch);

    if (target.desired > total) return this.members.grow(ctx, target.desired - total, 'nodes-created', started);
    if (target.desired === total) return this.members.nothingToDo(ctx, 'CLUSTER_RESIZE', OK, patch);

    const count = total - target.desired;
    const deletion = deletionSettings(action.data);
    const victims = await this.members.victims(cluster.id, count, deletion.candidates, action.data);
    const short = Membership.shortOfVictims(count, victims);
    if (short) return ActionResult.error(short);
    if (!(await this.members.grace(ctx, deletion.gracePeriodS))) return this.members.graceInterrupted(ctx);
    return this.members.shrink(ctx, victims, deletion.destroy, 'nodes-deleted', started);
  }
}
