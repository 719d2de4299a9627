import { Injectable } from '@nestjs/common';
import type { ClusterActionContext } from '../../runner/action-context';
import type { ActionResult } from '../../runner/action-result';
import { HandlesAction, type ClusterActionHandler } from '../../runner/handler-registry';
import { PolicyBindings } from './policy-bindings';

/** Attaches a policy: its attach hook, then the binding (priority from the policy type). */
@Injectable()
@HandlesAction('CLUSTER_ATTACH_POLICY')
export class ClusterAttachPolicyHandler implements ClusterActionHandler<'CLUSTER_ATTACH_POLICY'> {
  constructor(private readonly bindings: PolicyBindings) {}

  run(ctx: ClusterActionContext<'CLUSTER_ATTACH_POLICY'>): Promise<ActionResult> {
    const inputs = ctx.action.inputs;
    return this.bindings.attach(ctx, inputs.policy_id, inputs.enabled !== false);
  }
}
