import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ActionInputs } from '@grove/core';
import { ActionRepository, ClusterRepository, NodeRepository, type EventEntity } from '@grove/db';
import { Children } from '../../runner/children';
import { HandlesAction, type ClusterActionHandler } from '../../runner/handler-registry';
import type { ClusterActionContext } from '../../runner/action-context';
import { ActionResult, type Effects } from '../../runner/action-result';
import { evaluateCluster, setClusterStatus } from '../status';
import { Membership } from './membership';
import { childrenFailed, conclude, describeFailures } from './outcomes';

const OK = 'Cluster recovery succeeded.';

/** Where the failures of node recoveries wait while the capacity step runs (users see it in `action show`). */
const FAILURES_KEY = 'recover_failures';

/**
 * Heals a cluster in up to three steps: with `check`, every member is checked first (NODE_CHECK);
 * then every member that is not ACTIVE is recovered (NODE_RECOVER, RECREATE unless the request
 * names another operation); with `check_capacity`, members are then created or deleted until
 * their number is desired_capacity again.
 */
/** Where this action resumes after its children end. */
type Step = 'capacity-created' | 'checked' | 'recovered';

@Injectable()
@HandlesAction('CLUSTER_RECOVER')
export class ClusterRecoverHandler implements ClusterActionHandler<'CLUSTER_RECOVER', Step> {
  constructor(
    private readonly clusters: ClusterRepository,
    private readonly nodes: NodeRepository,
    private readonly actions: ActionRepository,
    private readonly children: Children,
    private readonly members: Membership,
  ) {}

  async run(ctx: ClusterActionContext<'CLUSTER_RECOVER', Step>): Promise<ActionResult> {
    const inputs = ctx.action.inputs;
    switch (ctx.step) {
      case null:
        if (inputs.check) {
          const members = await this.nodes.members(ctx.cluster.id);
          if (members.length) {
            return this.children.spawn(ctx, {
              step: 'checked',
              children: members.map((m) => ({ action: 'NODE_CHECK', target: m.id })),
              effects: this.recovering(ctx),
            });
          }
        }
        return this.recoverNodes(ctx, true);
      case 'checked':
        // A check that could not reach the cloud leaves its node as it was; recovery goes on.
        return ctx.interrupt ? this.finish(ctx, null) : this.recoverNodes(ctx, false);
      case 'recovered': {
        const failure = childrenFailed(ctx.children).length
          ? `Failed in recovering nodes: ${describeFailures(ctx.children)}`
          : null;
        return ctx.interrupt ? this.finish(ctx, failure) : this.restoreCapacity(ctx, failure, false);
      }
      default: {
        const earlier =
          typeof ctx.action.data[FAILURES_KEY] === 'string' ? (ctx.action.data[FAILURES_KEY] as string) : null;
        const failed = childrenFailed(ctx.children);
        const verb = ctx.step === 'capacity-created' ? 'creating' : 'deleting';
        return this.finish(
          ctx,
          earlier ?? (failed.length ? `Failed in ${verb} nodes: ${describeFailures(ctx.children)}` : null),
        );
      }
    }
  }

  private async recoverNodes(
    ctx: ClusterActionContext<'CLUSTER_RECOVER', Step>,
    first: boolean,
  ): Promise<ActionResult> {
    const inputs = ctx.action.inputs;
    const broken = (await this.nodes.members(ctx.cluster.id)).filter((m) => m.status !== 'ACTIVE');
    if (!broken.length) return this.restoreCapacity(ctx, null, first);
    const childInputs: ActionInputs['NODE_RECOVER'] = {};
    if (inputs.operation) childInputs.operation = inputs.operation;
    if (inputs.operation_params) childInputs.operation_params = inputs.operation_params;
    return this.children.spawn(ctx, {
      step: 'recovered',
      children: broken.map((m) => ({ action: 'NODE_RECOVER', target: m.id, inputs: childInputs })),
      effects: first ? this.recovering(ctx) : undefined,
    });
  }

  /** With `check_capacity`: as many members as desired_capacity says, broken ones deleted first. */
  private async restoreCapacity(
    ctx: ClusterActionContext<'CLUSTER_RECOVER', Step>,
    failure: string | null,
    first: boolean,
  ): Promise<ActionResult> {
    if (!ctx.action.inputs.check_capacity) return this.finish(ctx, failure);
    const { total } = await this.nodes.countMembers(ctx.cluster.id);
    const desired = ctx.cluster.desiredCapacity;
    if (total === desired) return this.finish(ctx, failure);
    const effects: Effects = async (em) => {
      const written: EventEntity[] = first ? await this.recovering(ctx)(em) : [];
      if (failure) await this.actions.mergeData(ctx.action.id, { [FAILURES_KEY]: failure }, em);
      return written;
    };
    if (total < desired) return this.members.grow(ctx, desired - total, 'capacity-created', effects);
    const victims = await this.members.victims(ctx.cluster.id, total - desired);
    return this.members.shrink(ctx, victims, true, 'capacity-deleted', effects);
  }

  private recovering(ctx: ClusterActionContext<'CLUSTER_RECOVER', Step>) {
    return (em: EntityManager) =>
      setClusterStatus(this.clusters, em, ctx.action, ctx.cluster, 'RECOVERING', 'Recovery in progress');
  }

  private finish(ctx: ClusterActionContext<'CLUSTER_RECOVER', Step>, failure: string | null): ActionResult {
    return conclude(ctx, {
      ok: OK,
      failure,
      effects: (em) => evaluateCluster(this.clusters, this.nodes, em, ctx.action, ctx.cluster, 'CLUSTER_RECOVER'),
    });
  }
}
