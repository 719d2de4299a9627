import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { BusErrors, type EngineEvents, type EngineRpc as Contract } from '@grove/rpc';
import { ActionRunner } from '../runner/action-runner';
import { NodeAdoption } from '../queries/node-adoption';
import { NodeDetails } from '../queries/node-details';
import { NodeHealth } from '../queries/node-health';
import { ActionPreview } from '../queries/action-preview';
import { PolicyValidation } from '../queries/policy-validation';
import { ProfileValidation } from '../queries/profile-validation';

/**
 * What engines answer on the bus. It lives in the engine lib rather than apps/engine because
 * all-in-one mode loads it into the api process, and apps never import apps.
 */
@Controller()
@UseFilters(BusErrors)
export class EngineRpc {
  constructor(
    private readonly runner: ActionRunner,
    private readonly details: NodeDetails,
    private readonly validation: ProfileValidation,
    private readonly policyValidation: PolicyValidation,
    private readonly adoption: NodeAdoption,
    private readonly previews: ActionPreview,
    private readonly health: NodeHealth,
  ) {}

  @MessagePattern('nodes.health')
  async nodesHealth(@Payload() req: Contract['nodes.health']['req']): Promise<Contract['nodes.health']['res']> {
    return { health: await this.health.check(req.nodeIds, req.of ?? 'resource') };
  }

  @MessagePattern('node.recover')
  nodeRecover(@Payload() req: Contract['node.recover']['req']): Promise<Contract['node.recover']['res']> {
    return this.health.recover(req.nodeId, req.inputs);
  }

  /** Work queue: resolves once the action is claimed (ActionRunner.start), when the message is acknowledged. */
  @EventPattern('action.start')
  start(@Payload() p: EngineEvents['action.start']): Promise<void> {
    return this.runner.start(p.actionId);
  }

  @EventPattern('action.cancel')
  cancel(@Payload() p: EngineEvents['action.cancel']): void {
    this.runner.cancel(p.actionId);
  }

  @MessagePattern('node.details')
  async nodeDetails(@Payload() req: Contract['node.details']['req']): Promise<Contract['node.details']['res']> {
    return { details: await this.details.one(req.scope, req.nodeId) };
  }

  @MessagePattern('nodes.details')
  async nodesDetails(@Payload() req: Contract['nodes.details']['req']): Promise<Contract['nodes.details']['res']> {
    return { details: await this.details.many(req.scope, req.nodeIds) };
  }

  @MessagePattern('node.adopt-preview')
  adoptPreview(@Payload() req: Contract['node.adopt-preview']['req']): Promise<Contract['node.adopt-preview']['res']> {
    return this.adoption.preview(req);
  }

  @MessagePattern('node.adopt')
  async adopt(@Payload() req: Contract['node.adopt']['req']): Promise<Contract['node.adopt']['res']> {
    await this.adoption.tag(req.nodeId);
    return { tagged: true };
  }

  @MessagePattern('profile.validate')
  async validate(@Payload() req: Contract['profile.validate']['req']): Promise<Contract['profile.validate']['res']> {
    await this.validation.validate(req.spec, req.project, req.userId);
    return { valid: true };
  }

  @MessagePattern('action.preview')
  async preview(@Payload() req: Contract['action.preview']['req']): Promise<Contract['action.preview']['res']> {
    return { preview: await this.previews.preview(req) };
  }

  @MessagePattern('policy.validate')
  async validatePolicy(
    @Payload() req: Contract['policy.validate']['req'],
  ): Promise<Contract['policy.validate']['res']> {
    await this.policyValidation.validate(req.spec, req.project, req.userId);
    return { valid: true };
  }
}
