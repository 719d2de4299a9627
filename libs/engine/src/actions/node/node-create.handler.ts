import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CAUSE_RPC } from '@grove/core';
import {
  claimOf,
  ClusterRepository,
  LockRepository,
  NodeRepository,
  type ClusterEntity,
  type EventEntity,
} from '@grove/db';
import { ProfileError } from '@grove/profiles';
import { ENGINE_OPTIONS, type EngineOptions } from '../../engine-options';
import { HandlesAction, type NodeActionHandler } from '../../runner/handler-registry';
import type { NodeActionContext } from '../../runner/action-context';
import { ActionResult } from '../../runner/action-result';
import { ProfileContexts, Profiles, toProfileNode } from '../../ports/profiles';
import { placements } from '../cluster/membership';
import { evaluateCluster, markNode, setNodeStatus, strictSizeProblem } from '../status';
import { clusterToJoin } from './cluster-to-join';
import { brokeOff, failureReason } from './failure-reason';

/**
 * Makes the node's cloud resource, and writes its id on the node as soon as the cloud answers
 * (before waiting for it to be ready), so a crash or a failed result write leaves a node that
 * knows its resource. A retried create (its engine died mid-way, or its result was never
 * written) takes the resource the node records, else the one an earlier attempt tagged with the
 * node's id, and deletes any other so tagged: a crash never leaves a resource without a node, nor
 * a node with two.
 *
 * A user's create into a cluster (not one a cluster action derived) makes the cluster one node
 * bigger. The node joins here, holding a share of the cluster lock, and only if the new size fits
 * the cluster's bounds; else it is left an orphan in ERROR (SL NodeAction.do_create). Afterwards
 * desired_capacity is the member count and the cluster is evaluated, whether the create worked
 * or not, since the node is a member either way.
 */
@Injectable()
@HandlesAction('NODE_CREATE')
export class NodeCreateHandler implements NodeActionHandler<'NODE_CREATE'> {
  constructor(
    @Inject(ENGINE_OPTIONS) private readonly o: EngineOptions,
    private readonly ds: DataSource,
    private readonly nodes: NodeRepository,
    private readonly clusters: ClusterRepository,
    private readonly locks: LockRepository,
    private readonly profiles: Profiles,
    private readonly contexts: ProfileContexts,
  ) {}

  async run(ctx: NodeActionContext<'NODE_CREATE'>): Promise<ActionResult> {
    const { action, node } = ctx;
    const wanted = clusterToJoin(action);
    let cluster: ClusterEntity | null = null;
    if (wanted) {
      const joined = await this.join(action.id, node.id, node.clusterId === wanted, wanted);
      if (typeof joined === 'string') {
        return ActionResult.error(joined, {
          effects: async (em) => [
            await setNodeStatus(this.nodes, em, action, node, 'ERROR', joined, { clusterId: null, index: -1 }),
          ],
        });
      }
      cluster = joined;
      node.clusterId = cluster.id;
    }
    // The node's own status first, then the cluster's verdict, which counts it.
    const grown = async (em: EntityManager, written: EventEntity[]): Promise<EventEntity[]> => {
      if (!cluster) return written;
      // Counted under the row lock, so concurrent creates into the cluster each see the others' joins.
      await this.clusters.lockRow(em, cluster.id);
      const { total } = await this.nodes.countMembers(cluster.id, em);
      return [
        ...written,
        ...(await evaluateCluster(this.clusters, this.nodes, em, action, cluster, 'NODE_CREATE', {
          desiredCapacity: total,
        })),
      ];
    };

    // A user's node joins with the placement its cluster's policies chose just now (BEFORE).
    const chosen = action.cause === CAUSE_RPC ? placements(action.data, 1)[0] : {};
    if (chosen.placement)
      node.data = { ...node.data, placement: { ...(node.data.placement ?? {}), ...chosen.placement } };
    const profile = await this.profiles.load(node.profileId);
    await markNode(this.nodes, action, node, 'CREATING', 'Creation in progress');
    const pctx = this.contexts.forCreate(profile, ctx.signal, ctx.deadline, ctx.log, node, claimOf(action));
    let pnode = toProfileNode(node);
    try {
      if (action.retries > 0) {
        const found = await profile.type.findCreated(pctx, pnode, profile.properties);
        const keep = pnode.physicalId ?? found[0] ?? null;
        for (const id of found.filter((f) => f !== keep)) {
          ctx.log.warn({ physicalId: id, kept: keep }, 'deleting a second resource an earlier attempt made');
          await profile.type.delete(pctx, { ...pnode, physicalId: id, data: {} }, profile.properties);
        }
        // Nothing to take over: what an attempt made before its resource (ports) goes.
        if (!keep) await profile.type.delete(pctx, pnode, profile.properties);
        else if (keep !== pnode.physicalId) {
          ctx.log.info({ physicalId: keep }, 'adopting the resource an earlier attempt made');
          pnode = { ...pnode, physicalId: keep };
        }
      }
      const made = await profile.type.create(pctx, pnode, profile.properties);
      return ActionResult.ok('Node created successfully.', {
        effects: async (em) => {
          // A container's host now lists it, so the host cannot be deleted first (CreateResult.dependsOn).
          await this.nodes.addDependent(made.dependsOn ?? [], node.id, em);
          return grown(em, [
            await setNodeStatus(this.nodes, em, action, node, 'ACTIVE', 'Creation succeeded', {
              physicalId: made.physicalId,
              createdAt: new Date(),
              data: { ...node.data, ...made.data },
            }),
          ]);
        },
      });
    } catch (e) {
      const reason = failureReason(e, ctx);
      const left = e instanceof ProfileError ? e.physicalId : pnode.physicalId;
      return brokeOff(ctx, reason, async (em) =>
        grown(em, [await setNodeStatus(this.nodes, em, action, node, 'ERROR', reason, { physicalId: left })]),
      );
    }
  }

  /**
   * Makes the node a member of the cluster if the cluster has room for it, in one transaction
   * holding the cluster's row: concurrent creates into one cluster queue there, so each counts
   * the members the others added and exactly as many join as fit. A retried create finds its
   * node joined already and counts it once. The create must still hold its share of the cluster
   * lock (a CLUSTER_DELETE takes the lock over, then lists the members it deletes): held through
   * the join, so that the delete sees the new member, or lost, and the node stays out. Returns
   * the cluster, or why the node cannot join.
   */
  private async join(
    actionId: string,
    nodeId: string,
    already: boolean,
    clusterId: string,
  ): Promise<ClusterEntity | string> {
    return this.ds.transaction(async (em) => {
      // The lock row before the cluster row: the order in which an action's end takes them.
      if (!(await this.locks.holdsCluster(em, clusterId, actionId)))
        return `Failed in locking cluster '${clusterId}': another action took the lock over.`;
      const cluster = await this.clusters.lockRow(em, clusterId);
      if (!cluster) return `The cluster '${clusterId}' could not be found.`;
      const { total } = await this.nodes.countMembers(cluster.id, em);
      const problem = strictSizeProblem(cluster, already ? total : total + 1, this.o.config.MAX_NODES_PER_CLUSTER);
      if (problem) return problem;
      if (!already) await this.nodes.update(nodeId, { clusterId: cluster.id }, em);
      return cluster;
    });
  }
}
