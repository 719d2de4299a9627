import { Injectable } from '@nestjs/common';
import { NodeRepository } from '@grove/db';
import type { CheckResult } from '@grove/profiles';
import { HandlesAction, type NodeActionHandler } from '../../runner/handler-registry';
import type { NodeActionContext } from '../../runner/action-context';
import { ActionResult } from '../../runner/action-result';
import { ProfileContexts, Profiles, toProfileNode } from '../../ports/profiles';
import { setNodeStatus } from '../status';
import { brokeOff, failureReason } from './failure-reason';

const OK = 'Node check succeeded.';
const WARNING_KEPT = 'Check: Physical object is ACTIVE but the node status was WARNING.';

/**
 * Asks the cloud how the node's resource is. Healthy: ACTIVE (a WARNING node stays WARNING, since
 * the warning came from elsewhere). Unhealthy: ERROR with why. Gone: ERROR, and the node no
 * longer points at it. The check itself succeeds in all three cases; it fails only when the
 * cloud could not be asked.
 */
@Injectable()
@HandlesAction('NODE_CHECK')
export class NodeCheckHandler implements NodeActionHandler<'NODE_CHECK'> {
  constructor(
    private readonly nodes: NodeRepository,
    private readonly profiles: Profiles,
    private readonly contexts: ProfileContexts,
  ) {}

  async run(ctx: NodeActionContext<'NODE_CHECK'>): Promise<ActionResult> {
    const { action, node } = ctx;
    const profile = await this.profiles.load(node.profileId);
    const pctx = this.contexts.for(profile, ctx.signal, ctx.deadline, ctx.log, ctx.node);
    const found: CheckResult | { state: 'failed'; reason: string } = await profile.type
      .check(pctx, toProfileNode(node), profile.properties)
      .catch((e: unknown) => ({ state: 'failed', reason: failureReason(e, ctx) }) as const);
    switch (found.state) {
      case 'failed':
        // As in Senlin, a check the cloud refused leaves the node in ERROR.
        return brokeOff(ctx, `Node check failed: ${found.reason}`, async (em) => [
          await setNodeStatus(this.nodes, em, action, node, 'ERROR', `Check: ${found.reason}`),
        ]);
      case 'healthy': {
        if (node.status !== 'WARNING') {
          return ActionResult.ok(OK, {
            effects: async (em) => [
              await setNodeStatus(this.nodes, em, action, node, 'ACTIVE', 'Check: Node is ACTIVE.'),
            ],
          });
        }
        // Repeated checks do not pile the prefix up.
        const reason = node.statusReason.startsWith(WARNING_KEPT)
          ? node.statusReason
          : `${WARNING_KEPT} ${node.statusReason}`;
        return ActionResult.ok(OK, {
          effects: async (em) => [await setNodeStatus(this.nodes, em, action, node, 'WARNING', reason)],
        });
      }
      case 'unhealthy':
        return ActionResult.ok(OK, {
          effects: async (em) => [
            await setNodeStatus(this.nodes, em, action, node, 'ERROR', `Check: Node is not ACTIVE. ${found.reason}`),
          ],
        });
      case 'gone':
        return ActionResult.ok(OK, {
          effects: async (em) => [
            await setNodeStatus(this.nodes, em, action, node, 'ERROR', `Check: ${found.reason}`, { physicalId: null }),
          ],
        });
    }
  }
}
