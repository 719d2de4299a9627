import { Injectable } from '@nestjs/common';
import { claimOf, NodeRepository } from '@grove/db';
import { ProfileError, type RecoveryOperation } from '@grove/profiles';
import { HandlesAction, type NodeActionHandler } from '../../runner/handler-registry';
import type { NodeActionContext } from '../../runner/action-context';
import { ActionResult } from '../../runner/action-result';
import { ProfileContexts, Profiles, toProfileNode } from '../../ports/profiles';
import { markNode, setNodeStatus } from '../status';
import { brokeOff, failureReason } from './failure-reason';

const OK = 'Node recovered successfully.';

/**
 * Brings a node back: with `check`, a node the cloud finds healthy is only marked ACTIVE; else the
 * profile recovers it (RECREATE by default: a new resource in place of the old, whose id the node
 * then points at and `data.recovery` records). REBOOT and REBUILD need the resource to exist.
 */
@Injectable()
@HandlesAction('NODE_RECOVER')
export class NodeRecoverHandler implements NodeActionHandler<'NODE_RECOVER'> {
  constructor(
    private readonly nodes: NodeRepository,
    private readonly profiles: Profiles,
    private readonly contexts: ProfileContexts,
  ) {}

  async run(ctx: NodeActionContext<'NODE_RECOVER'>): Promise<ActionResult> {
    const { action, node } = ctx;
    const inputs = action.inputs;
    const operation = (inputs.operation?.toUpperCase() ?? 'RECREATE') as RecoveryOperation;
    if (!node.physicalId && operation !== 'RECREATE') {
      return ActionResult.error(`Node recover failed: the node has no cloud resource to ${operation.toLowerCase()}.`);
    }
    const profile = await this.profiles.load(node.profileId);
    // A RECREATE's new resource is written on the node as soon as the cloud answers.
    const pctx = this.contexts.forCreate(profile, ctx.signal, ctx.deadline, ctx.log, node, claimOf(action));
    const pnode = toProfileNode(node);

    if (inputs.check) {
      // A check that cannot reach the cloud does not stop the recovery (as in Senlin).
      const found = await profile.type.check(pctx, pnode, profile.properties).catch(() => null);
      if (found?.state === 'healthy') {
        return ActionResult.ok(OK, {
          effects: async (em) => [
            await setNodeStatus(this.nodes, em, action, node, 'ACTIVE', 'Recover: Node is ACTIVE.'),
          ],
        });
      }
    }

    await markNode(this.nodes, action, node, 'RECOVERING', 'Recovery in progress');
    try {
      const out = await profile.type.recover(pctx, pnode, profile.properties, {
        operation,
        params: inputs.operation_params ?? {},
        deleteTimeoutS: inputs.delete_timeout,
        forceRecreate: inputs.force_recreate,
      });
      const replaced = out.physicalId !== node.physicalId;
      const data = { ...node.data, ...out.data, ...(replaced ? { recovery: 'RECREATE' } : {}) };
      return ActionResult.ok(OK, {
        effects: async (em) => {
          // A recreated container may live on other hosts now; they list it instead of the old ones.
          if (out.dependsOn) {
            await this.nodes.removeDependent(node.id, em);
            await this.nodes.addDependent(out.dependsOn, node.id, em);
          }
          return [
            await setNodeStatus(this.nodes, em, action, node, 'ACTIVE', 'Recovery succeeded', {
              physicalId: out.physicalId,
              data,
            }),
          ];
        },
      });
    } catch (e) {
      const reason = failureReason(e, ctx);
      // What is left in the cloud: a ProfileError says (a RECREATE may have deleted the old resource).
      const left = e instanceof ProfileError ? e.physicalId : node.physicalId;
      return brokeOff(ctx, `Node recover failed: ${reason}`, async (em) => [
        await setNodeStatus(this.nodes, em, action, node, 'ERROR', reason, { physicalId: left }),
      ]);
    }
  }
}
