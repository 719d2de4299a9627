import { Injectable } from '@nestjs/common';
import { NodeRepository, type ClusterEntity, type ClusterPatch } from '@grove/db';
import type { TypedAction } from '../../runner/action-context';
import { sizeBounds, strictSizeProblem } from '../status';
import { Membership, placements } from './membership';
import { deletionSettings, resizeTarget, scaleInCount, scaleOutCount } from './scaling';

/** What a scale-out, scale-in or resize will do to the members, decided before anything changes. */
export type MembershipPlan =
  | { kind: 'refused'; reason: string }
  /** Nothing to add or remove; the cluster still takes `patch` (new bounds, desired capacity). */
  | { kind: 'unchanged'; desired: number; patch: ClusterPatch }
  | { kind: 'grow'; count: number; desired: number; patch: ClusterPatch; placements: Record<string, unknown>[] }
  | {
      kind: 'shrink';
      victims: string[];
      desired: number;
      patch: ClusterPatch;
      /** False: the victims leave the cluster and live on as orphans. */
      destroy: boolean;
      graceS: number;
    };

type Planned<N extends 'CLUSTER_SCALE_OUT' | 'CLUSTER_SCALE_IN' | 'CLUSTER_RESIZE'> = Pick<
  TypedAction<N>,
  'action' | 'inputs' | 'data'
>;
/** The actions whose membership change is planned here, their inputs typed by name. */
export type PlannedAction = Planned<'CLUSTER_SCALE_OUT'> | Planned<'CLUSTER_SCALE_IN'> | Planned<'CLUSTER_RESIZE'>;

/**
 * The membership arithmetic of CLUSTER_SCALE_OUT, CLUSTER_SCALE_IN and CLUSTER_RESIZE in one
 * place: the handlers carry out its plans, and a preview shows them without carrying them out,
 * so the two cannot disagree. It reads the policies' decisions (`data.creation`, `data.deletion`)
 * and the live member count.
 */
@Injectable()
export class MembershipPlanner {
  constructor(
    private readonly nodes: NodeRepository,
    private readonly members: Membership,
  ) {}

  async plan(action: PlannedAction, cluster: ClusterEntity): Promise<MembershipPlan> {
    switch (action.action) {
      case 'CLUSTER_SCALE_OUT':
        return this.scaleOut(action, cluster);
      case 'CLUSTER_SCALE_IN':
        return this.scaleIn(action, cluster);
      case 'CLUSTER_RESIZE':
        return this.resize(action, cluster);
    }
  }

  /** A scaling policy's count, else the request's, else one; the new size must fit the bounds. */
  private async scaleOut(action: Planned<'CLUSTER_SCALE_OUT'>, cluster: ClusterEntity): Promise<MembershipPlan> {
    const count = scaleOutCount(action.data, action.inputs);
    if (typeof count !== 'number') return { kind: 'refused', reason: count.error };
    const { total } = await this.nodes.countMembers(cluster.id);
    const desired = total + count;
    const problem = strictSizeProblem(cluster, desired, this.members.maxNodesPerCluster);
    if (problem) return { kind: 'refused', reason: problem };
    const patch = { desiredCapacity: desired };
    if (count === 0) return { kind: 'unchanged', desired, patch };
    return { kind: 'grow', count, desired, patch, placements: placements(action.data, count) };
  }

  /**
   * A policy's candidates (their number is the count) or count, else the request's count, else one,
   * never more than the cluster has. Victims are the policy's, else broken nodes first, then the youngest.
   */
  private async scaleIn(action: Planned<'CLUSTER_SCALE_IN'>, cluster: ClusterEntity): Promise<MembershipPlan> {
    const asked = scaleInCount(action.data, action.inputs);
    if ('error' in asked) return { kind: 'refused', reason: asked.error };
    const { total } = await this.nodes.countMembers(cluster.id);
    const chosen = asked.candidates.length ? await this.members.victims(cluster.id, total, asked.candidates) : null;
    const count = chosen ? chosen.length : Math.min(asked.count, total);
    const desired = total - count;
    const problem = strictSizeProblem(cluster, desired, this.members.maxNodesPerCluster);
    if (problem) return { kind: 'refused', reason: problem };
    const patch = { desiredCapacity: desired };
    if (count === 0) return { kind: 'unchanged', desired, patch };
    const victims = chosen ?? (await this.members.victims(cluster.id, count, [], action.data));
    return this.shrink(action, count, victims, desired, patch);
  }

  /**
   * The new desired capacity and bounds; the difference from the live node count is created or
   * deleted. A request that no longer fits (the cluster changed since the api checked it) is refused.
   */
  private async resize(action: Planned<'CLUSTER_RESIZE'>, cluster: ClusterEntity): Promise<MembershipPlan> {
    const inputs = action.inputs;
    const { total } = await this.nodes.countMembers(cluster.id);
    const target = resizeTarget(sizeBounds(cluster), total, action.data, inputs, this.members.maxNodesPerCluster);
    if ('error' in target) return { kind: 'refused', reason: target.error };
    const patch: ClusterPatch = { desiredCapacity: target.desired };
    if (target.minSize !== null) patch.minSize = target.minSize;
    if (target.maxSize !== null) patch.maxSize = target.maxSize;
    const desired = target.desired;
    if (desired > total) {
      const count = desired - total;
      return { kind: 'grow', count, desired, patch, placements: placements(action.data, count) };
    }
    if (desired === total) return { kind: 'unchanged', desired, patch };
    const count = total - desired;
    const deletion = deletionSettings(action.data);
    const victims = await this.members.victims(cluster.id, count, deletion.candidates, action.data);
    return this.shrink(action, count, victims, desired, patch);
  }

  private shrink(
    action: PlannedAction,
    count: number,
    victims: string[],
    desired: number,
    patch: ClusterPatch,
  ): MembershipPlan {
    const short = Membership.shortOfVictims(count, victims);
    if (short) return { kind: 'refused', reason: short };
    const deletion = deletionSettings(action.data);
    return { kind: 'shrink', victims, desired, patch, destroy: deletion.destroy, graceS: deletion.gracePeriodS };
  }
}
