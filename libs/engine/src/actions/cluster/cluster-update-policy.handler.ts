import { Injectable } from '@nestjs/common';
import type { ActionInputs } from '@grove/core';
import type { ClusterActionContext } from '../../runner/action-context';
import type { ActionResult } from '../../runner/action-result';
import { HandlesAction, type ClusterActionHandler } from '../../runner/handler-registry';
import { PolicyBindings } from './policy-bindings';

/** Enables or disables an attached policy. */
@Injectable()
@HandlesAction('CLUSTER_UPDATE_POLICY')
export class ClusterUpdatePolicyHandler implements ClusterActionHandler {
  constructor(private readonly bindings: PolicyBindings) {}

  run(ctx: ClusterActionContext): Promise<ActionResult> {
    const inputs = ctx.action.inputs as ActionInputs['CLUSTER_UPDATE_POLICY'];
    return this.bindings.update(ctx, inputs.policy_id, inputs.enabled);
  }
}
