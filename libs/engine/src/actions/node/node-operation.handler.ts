import { Injectable } from '@nestjs/common';
import { resolveParams, SpecError } from '@grove/core';
import { NodeRepository } from '@grove/db';
import { HandlesAction, type NodeActionHandler } from '../../runner/handler-registry';
import type { NodeActionContext } from '../../runner/action-context';
import { ActionResult } from '../../runner/action-result';
import { ProfileContexts, Profiles, toProfileNode } from '../../ports/profiles';
import { markNode, setNodeStatus } from '../status';
import { brokeOff, failureReason } from './failure-reason';

/**
 * Runs one of the profile type's operations (reboot, pause, …) on the node's resource: OPERATING
 * meanwhile, then back to the status it had, or ERROR when the operation failed.
 */
@Injectable()
@HandlesAction('NODE_OPERATION')
export class NodeOperationHandler implements NodeActionHandler<'NODE_OPERATION'> {
  constructor(
    private readonly nodes: NodeRepository,
    private readonly profiles: Profiles,
    private readonly contexts: ProfileContexts,
  ) {}

  async run(ctx: NodeActionContext<'NODE_OPERATION'>): Promise<ActionResult> {
    const { action, node } = ctx;
    const inputs = action.inputs;
    const op = inputs.operation;
    const failed = (why: string) => `Node operation '${op}' failed: ${why}`;
    const profile = await this.profiles.load(node.profileId);
    const schema = Object.hasOwn(profile.type.operations, op) ? profile.type.operations[op] : null;
    if (!schema) {
      return ActionResult.error(
        failed(`The requested operation '${op}' is not supported by the profile type '${profile.entity.type}'.`),
      );
    }
    let params: Record<string, unknown>;
    try {
      params = resolveParams(schema, inputs.params ?? {});
    } catch (e) {
      if (e instanceof SpecError) return ActionResult.error(failed(e.reason));
      throw e;
    }
    if (!node.physicalId) return ActionResult.error(failed('the node has no cloud resource.'));

    const before = node.status;
    await markNode(this.nodes, action, node, 'OPERATING', `Operation '${op}' in progress`);
    try {
      const pctx = this.contexts.for(profile, ctx.signal, ctx.deadline, ctx.log, ctx.node);
      await profile.type.operation(pctx, toProfileNode(node), profile.properties, op, params);
    } catch (e) {
      const reason = failureReason(e, ctx);
      return brokeOff(ctx, failed(reason), async (em) => [
        await setNodeStatus(this.nodes, em, action, node, 'ERROR', reason),
      ]);
    }
    return ActionResult.ok(`Node operation '${op}' succeeded.`, {
      effects: async (em) => [await setNodeStatus(this.nodes, em, action, node, before, `Operation '${op}' succeeded`)],
    });
  }
}
