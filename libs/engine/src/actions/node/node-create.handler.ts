import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CAUSE_RPC } from '@grove/core';
import { ClusterRepository, NodeRepository, type EventEntity } from '@grove/db';
import { ProfileError } from '@grove/profiles';
import { ENGINE_OPTIONS, type EngineOptions } from '../../engine-options';
import { HandlesAction, type NodeActionHandler } from '../../runner/handler-registry';
import type { NodeActionContext } from '../../runner/action-context';
import { ActionResult } from '../../runner/action-result';
import { ProfileContexts, Profiles, toProfileNode } from '../../ports/profiles';
import { placements } from '../cluster/membership';
import { evaluateCluster, markNode, setNodeStatus, strictSizeProblem } from '../status';
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
 * bigger: the new size must fit its bounds, else the node is left an orphan in ERROR; afterwards
 * desired_capacity is the member count and the cluster is evaluated, whether the create worked
 * or not, since the node counts as a member either way (SL NodeAction.do_create).
 */
@Injectable()
@HandlesAction('NODE_CREATE')
export class NodeCreateHandler implements NodeActionHandler<'NODE_CREATE'> {
  constructor(
    @Inject(ENGINE_OPTIONS) private readonly o: EngineOptions,
    private readonly nodes: NodeRepository,
    private readonly clusters: ClusterRepository,
    private readonly profiles: Profiles,
    private readonly contexts: ProfileContexts,
  ) {}

  async run(ctx: NodeActionContext<'NODE_CREATE'>): Promise<ActionResult> {
    const { action, node } = ctx;
    const cluster = node.clusterId && action.cause === CAUSE_RPC ? await this.clusters.getById(node.clusterId) : null;
    let desired = 0;
    if (cluster) {
      desired = (await this.nodes.countMembers(cluster.id)).total;
      const problem = strictSizeProblem(cluster, desired, this.o.config.MAX_NODES_PER_CLUSTER);
      if (problem) {
        return ActionResult.error(problem, {
          effects: async (em) => [
            await setNodeStatus(this.nodes, em, action, node, 'ERROR', problem, { clusterId: null, index: -1 }),
          ],
        });
      }
    }
    // The node's own status first, then the cluster's verdict, which counts it.
    const grown = async (em: EntityManager, written: EventEntity[]): Promise<EventEntity[]> =>
      cluster
        ? [
            ...written,
            ...(await evaluateCluster(this.clusters, this.nodes, em, action, cluster, 'NODE_CREATE', {
              desiredCapacity: desired,
            })),
          ]
        : written;

    // A user's node joins with the placement its cluster's policies chose just now (BEFORE).
    const chosen = action.cause === CAUSE_RPC ? placements(action.data, 1)[0] : {};
    if (chosen.placement)
      node.data = { ...node.data, placement: { ...(node.data.placement ?? {}), ...chosen.placement } };
    const profile = await this.profiles.load(node.profileId);
    await markNode(this.nodes, action, node, 'CREATING', 'Creation in progress');
    const pctx = this.contexts.forCreate(profile, ctx.signal, ctx.deadline, ctx.log, node, {
      actionId: action.id,
      engineId: ctx.engineId,
    });
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
}
