import { Injectable } from '@nestjs/common';
import { nonUpdatableChanges } from '@grove/core';
import { NodeRepository, type NodePatch } from '@grove/db';
import { HandlesAction, type NodeActionHandler } from '../../runner/handler-registry';
import type { NodeActionContext } from '../../runner/action-context';
import { ActionResult } from '../../runner/action-result';
import { ProfileContexts, Profiles, toProfileNode } from '../../ports/profiles';
import { markNode, setNodeStatus } from '../status';
import { brokeOff, failureReason } from './failure-reason';

/**
 * Changes a node: name, role, metadata and tainted in its row; a new profile through the profile
 * type's in-place update of the cloud resource (UPDATING meanwhile). A new profile that differs in
 * a property that cannot change in place is refused before anything is touched.
 */
@Injectable()
@HandlesAction('NODE_UPDATE')
export class NodeUpdateHandler implements NodeActionHandler<'NODE_UPDATE'> {
  constructor(
    private readonly nodes: NodeRepository,
    private readonly profiles: Profiles,
    private readonly contexts: ProfileContexts,
  ) {}

  async run(ctx: NodeActionContext<'NODE_UPDATE'>): Promise<ActionResult> {
    const { action, node } = ctx;
    const inputs = action.inputs;
    const patch: NodePatch = {};
    if (inputs.name !== undefined) patch.name = inputs.name;
    if (inputs.role !== undefined) patch.role = inputs.role || null;
    if (inputs.metadata !== undefined) patch.metadata = inputs.metadata;
    if (inputs.tainted !== undefined) patch.tainted = inputs.tainted;
    if (inputs.protected !== undefined) patch.protected = inputs.protected;
    const newProfileId =
      inputs.new_profile_id && inputs.new_profile_id !== node.profileId ? inputs.new_profile_id : null;

    if (!newProfileId) {
      if (!Object.keys(patch).length) return ActionResult.ok('No property to update.');
      return ActionResult.ok('Node updated successfully.', { effects: (em) => this.nodes.update(node.id, patch, em) });
    }

    const [current, next] = [await this.profiles.load(node.profileId), await this.profiles.load(newProfileId)];
    if (current.entity.type !== next.entity.type) {
      return ActionResult.error('Node update failed: the new profile is of another type than the node.');
    }
    const fixed = nonUpdatableChanges(current.type.properties, current.properties, next.properties);
    if (fixed.length) {
      return ActionResult.error(
        `Node update failed: ${fixed.map((k) => `'${k}'`).join(', ')} cannot be changed on an existing node; recover it with RECREATE or replace it instead.`,
      );
    }
    if (!node.physicalId) return ActionResult.error('Node update failed: the node has no cloud resource to update.');

    await markNode(this.nodes, action, node, 'UPDATING', 'Update in progress');
    const pctx = this.contexts.for(current, ctx.signal, ctx.deadline, ctx.log, ctx.node);
    try {
      const out = await current.type.update(pctx, toProfileNode(node), current.properties, next.properties);
      return ActionResult.ok('Node updated successfully.', {
        effects: async (em) => [
          await setNodeStatus(this.nodes, em, action, node, 'ACTIVE', 'Update succeeded', {
            ...patch,
            profileId: newProfileId,
            data: { ...node.data, ...out.data },
          }),
        ],
      });
    } catch (e) {
      const reason = failureReason(e, ctx);
      return brokeOff(ctx, `Node update failed: ${reason}`, async (em) => [
        await setNodeStatus(this.nodes, em, action, node, 'ERROR', reason),
      ]);
    }
  }
}
