import { Injectable } from '@nestjs/common';
import type { ClusterActionContext } from '../../runner/action-context';
import type { ActionResult } from '../../runner/action-result';
import { HandlesAction, type ClusterActionHandler } from '../../runner/handler-registry';
import { PolicyBindings } from './policy-bindings';

/** Detaches a policy: its detach hook (a load balancer it made goes), then the binding. */
@Injectable()
@HandlesAction('CLUSTER_DETACH_POLICY')
export class ClusterDetachPolicyHandler implements ClusterActionHandler<'CLUSTER_DETACH_POLICY'> {
  constructor(private readonly bindings: PolicyBindings) {}

  run(ctx: ClusterActionContext<'CLUSTER_DETACH_POLICY'>): Promise<ActionResult> {
    return this.bindings.detach(ctx, ctx.action.inputs.policy_id);
  }
}
