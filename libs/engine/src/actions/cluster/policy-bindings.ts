import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { newId } from '@grove/core';
import {
  ActionRepository,
  claimOf,
  ClusterPolicyEntity,
  ClusterPolicyRepository,
  EventRepository,
  PolicyRepository,
  type BoundPolicy,
  type EventEntity,
} from '@grove/db';
import { PolicyRegistry, type BindingContext, type BindingResult, type PolicyEffects } from '@grove/policies';
import { PolicyPortsFactory } from '../../ports/policy-ports';
import { Profiles } from '../../ports/profiles';
import type { ClusterActionContext } from '../../runner/action-context';
import { ActionResult } from '../../runner/action-result';
import { PolicyRunner, unwrapBindingData, wrapBindingData } from '../../runner/policy-runner';

/** The family of a type key: `senlin.policy.deletion-1.1` → `senlin.policy.deletion`. */
const family = (typeKey: string) => typeKey.replace(/-[^-]+$/, '');

/**
 * Attaching, detaching and enabling policies on a cluster, under the cluster lock of the action
 * (Senlin's Cluster.attach_policy and friends). The policy's hook runs first, since it may build
 * cloud resources (a load balancer); its binding and effects are written with the action's end.
 */
@Injectable()
export class PolicyBindings {
  constructor(
    private readonly ds: DataSource,
    private readonly actions: ActionRepository,
    private readonly policies: PolicyRepository,
    private readonly bindings: ClusterPolicyRepository,
    private readonly eventRepo: EventRepository,
    private readonly registry: PolicyRegistry,
    private readonly runner: PolicyRunner,
    private readonly profiles: Profiles,
    private readonly ports: PolicyPortsFactory,
  ) {}

  async attach(ctx: ClusterActionContext, policyId: string, enabled: boolean): Promise<ActionResult> {
    const policy = await this.policies.getById(policyId);
    if (!policy) return ActionResult.error(`The policy '${policyId}' could not be found.`);
    const existing = await this.bindings.forCluster(ctx.cluster.id);
    if (existing.some((b) => b.policy.id === policyId)) return ActionResult.ok('Policy already attached.');
    const { type, version, properties } = this.registry.validate(policy.spec);
    const rival = type.singleton ? existing.find((b) => family(b.policy.type) === family(policy.type)) : undefined;
    if (rival) {
      return ActionResult.error(
        `Only one instance of policy type (${policy.type}) can be attached to a cluster, but another instance ` +
          `(${rival.policy.id}) is found attached to the cluster (${ctx.cluster.id}) already.`,
      );
    }
    const profile = await this.profiles.load(ctx.cluster.profileId);
    if (type.profileTypes !== 'ANY' && !type.profileTypes.includes(profile.entity.type)) {
      return ActionResult.error(`Policy not applicable on profile type: ${profile.entity.type}`);
    }
    const result = await this.hook(ctx, type.attach?.bind(type), {
      props: properties,
      policy: { id: policy.id, name: policy.name },
      enabled,
      bindingData: {},
    });
    if (result.kind === 'refused') return ActionResult.error(result.reason);
    const binding = Object.assign(new ClusterPolicyEntity(), {
      id: newId(),
      clusterId: ctx.cluster.id,
      policyId: policy.id,
      enabled,
      priority: type.priority,
      data: wrapBindingData(type.className, version, result.data ?? {}),
      lastOp: null,
    } satisfies ClusterPolicyEntity);
    return ActionResult.ok('Policy attached.', {
      effects: async (em) => {
        await this.bindings.insert(binding, em);
        return this.targetEffects(ctx, result.effects, em);
      },
    });
  }

  async detach(ctx: ClusterActionContext, policyId: string): Promise<ActionResult> {
    const bound = await this.bindings.get(ctx.cluster.id, policyId);
    if (!bound) return ActionResult.error('Policy not attached.');
    const result = await this.detachHook(ctx, bound);
    if (result.kind === 'refused') return ActionResult.error(result.reason);
    return ActionResult.ok('Policy detached.', {
      effects: async (em) => {
        await this.bindings.delete(ctx.cluster.id, policyId, em);
        return this.targetEffects(ctx, result.effects, em);
      },
    });
  }

  async update(ctx: ClusterActionContext, policyId: string, enabled: boolean | undefined): Promise<ActionResult> {
    const bound = await this.bindings.get(ctx.cluster.id, policyId);
    if (!bound) return ActionResult.error('Policy not attached.');
    if (enabled === undefined || enabled === null) return ActionResult.ok('No update is needed.');
    const { type, properties } = this.registry.validate(bound.policy.spec);
    const result = await this.hook(ctx, type.enabledChanged?.bind(type), {
      props: properties,
      policy: { id: bound.policy.id, name: bound.policy.name },
      enabled,
      bindingData: unwrapBindingData(type.className, bound.binding.data),
    });
    if (result.kind === 'refused') return ActionResult.error(result.reason);
    return ActionResult.ok('Policy updated.', {
      effects: async (em) => {
        await this.bindings.setEnabled(ctx.cluster.id, policyId, enabled, em);
        return this.targetEffects(ctx, result.effects, em);
      },
    });
  }

  /**
   * Detaches every policy before the cluster goes (SL do_delete), each written at once: the cloud
   * resources a policy made (a load balancer) are gone by then. Returns why one could not be detached.
   */
  async detachAll(ctx: ClusterActionContext): Promise<string | null> {
    for (const bound of await this.bindings.forCluster(ctx.cluster.id)) {
      const result = await this.detachHook(ctx, bound);
      if (result.kind === 'refused') return `Unable to detach policy ${bound.binding.id} before deletion.`;
      await this.ds.transaction(async (em) => {
        await this.actions.assertHeld(claimOf(ctx.action), em);
        await this.bindings.delete(ctx.cluster.id, bound.policy.id, em);
        const written = await this.targetEffects(ctx, result.effects, em);
        if (written.length) await this.eventRepo.insert(written, em);
      });
    }
    return null;
  }

  private detachHook(ctx: ClusterActionContext, bound: BoundPolicy): Promise<BindingResult> {
    const { type, properties } = this.registry.validate(bound.policy.spec);
    return this.hook(ctx, type.detach?.bind(type), {
      props: properties,
      policy: { id: bound.policy.id, name: bound.policy.name },
      enabled: bound.binding.enabled,
      bindingData: unwrapBindingData(type.className, bound.binding.data),
    });
  }

  /** Runs an attach, detach or enabledChanged hook; a type without the hook just agrees. */
  private async hook(
    ctx: ClusterActionContext,
    hook: ((c: BindingContext<object>) => Promise<BindingResult>) | undefined,
    o: Pick<BindingContext<object>, 'props' | 'policy' | 'enabled' | 'bindingData'>,
  ): Promise<BindingResult> {
    if (!hook) return { kind: 'ok' };
    const cluster = await this.runner.policyCluster(ctx.cluster);
    const ports = this.ports.for(await this.profiles.load(ctx.cluster.profileId), false, ctx.cluster);
    return hook({ ...o, cluster, now: new Date(), ports, signal: ctx.signal, deadline: ctx.deadline });
  }

  private targetEffects(
    ctx: ClusterActionContext,
    effects: PolicyEffects | undefined,
    em: EntityManager,
  ): Promise<EventEntity[]> {
    return effects ? this.runner.applyTargetEffects(ctx.action, ctx.cluster.id, effects, em) : Promise.resolve([]);
  }
}
