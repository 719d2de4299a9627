import { Injectable } from '@nestjs/common';
import type { ClusterActionContext } from '../../runner/action-context';
import type { ActionResult } from '../../runner/action-result';
import { HandlesAction, type ClusterActionHandler } from '../../runner/handler-registry';
import { PolicyBindings } from './policy-bindings';

/** Enables or disables an attached policy. */
@Injectable()
@HandlesAction('CLUSTER_UPDATE_POLICY')
export class ClusterUpdatePolicyHandler implements ClusterActionHandler<'CLUSTER_UPDATE_POLICY'> {
  constructor(private readonly bindings: PolicyBindings) {}

  run(ctx: ClusterActionContext<'CLUSTER_UPDATE_POLICY'>): Promise<ActionResult> {
    const inputs = ctx.action.inputs;
    return this.bindings.update(ctx, inputs.policy_id, inputs.enabled);
  }
}
