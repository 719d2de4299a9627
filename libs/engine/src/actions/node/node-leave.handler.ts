import { Injectable } from '@nestjs/common';
import { NodeRepository } from '@grove/db';
import { HandlesAction, type NodeActionHandler } from '../../runner/handler-registry';
import type { NodeActionContext } from '../../runner/action-context';
import { ActionResult } from '../../runner/action-result';
import { ProfileContexts, Profiles, toProfileNode } from '../../ports/profiles';
import { brokeOff, failureReason } from './failure-reason';
import { resourceGone } from './resource-gone';

/**
 * Makes a member an orphan: its cloud resource loses the cluster's tags (profile `leave`) and
 * lives on; the node keeps its status. A resource that is gone does not stop it leaving.
 */
@Injectable()
@HandlesAction('NODE_LEAVE')
export class NodeLeaveHandler implements NodeActionHandler<'NODE_LEAVE'> {
  constructor(
    private readonly nodes: NodeRepository,
    private readonly profiles: Profiles,
    private readonly contexts: ProfileContexts,
  ) {}

  async run(ctx: NodeActionContext<'NODE_LEAVE'>): Promise<ActionResult> {
    const { node } = ctx;
    if (!node.clusterId) return ActionResult.ok('Node successfully left cluster.');
    const profile = await this.profiles.load(node.profileId);
    const pctx = this.contexts.for(profile, ctx.signal, ctx.deadline, ctx.log, ctx.node);
    let note = '';
    try {
      await profile.type.leave(pctx, toProfileNode(node), profile.properties);
    } catch (e) {
      if (!resourceGone(e)) return brokeOff(ctx, `Node failed in leaving cluster: ${failureReason(e, ctx)}`);
      ctx.log.warn({ err: e, physicalId: node.physicalId }, 'a node whose cloud resource is gone leaves its cluster');
      note = ' Its cloud resource could not be found.';
    }
    return ActionResult.ok(`Node successfully left cluster.${note}`, {
      effects: (em) => this.nodes.update(node.id, { clusterId: null, index: -1 }, em),
    });
  }
}
