import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  BadRequest,
  groveItemsUsed,
  InvalidSpec,
  newId,
  scopeOf,
  SpecError,
  specTypeKey,
  type ApiConfig,
  type RequestContext,
  type Scope,
} from '@grove/core';
import { PolicyEntity, PolicyRepository, projectKey, withKeyLocked, type ListQuery } from '@grove/db';
import { PolicyRegistry, type ValidatedPolicySpec } from '@grove/policies';
import { EngineClient } from '@grove/rpc';
import { API_CONFIG } from '../http/request-context.middleware';
import type { PolicyCreate } from './policies.dto';

@Injectable()
export class PoliciesService {
  constructor(
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    private readonly ds: DataSource,
    private readonly policies: PolicyRepository,
    private readonly registry: PolicyRegistry,
    private readonly engine: EngineClient,
  ) {}

  /**
   * A spec's envelope, type and properties, checked here. A bad property is a 400 InvalidSpec that
   * names it (Senlin answers 500 there, which is a bug), an unknown type a 404.
   */
  private checkSpec(spec: Record<string, unknown>, withGrove: boolean): ValidatedPolicySpec {
    try {
      if (!withGrove) {
        // Below 1.15 Grove's additions do not exist: they are refused as any unknown item is.
        const { key } = specTypeKey(spec);
        const [used] = this.registry.has(key)
          ? groveItemsUsed(this.registry.get(key).properties, (spec as { properties?: unknown }).properties)
          : [];
        if (used) throw new SpecError(used, `Unrecognizable spec item '${used}'`);
      }
      return this.registry.validate(spec);
    } catch (e) {
      if (e instanceof SpecError) throw new InvalidSpec(e.reason);
      throw e;
    }
  }

  /** Checks the spec, then against the cloud through an engine (regions, zones, load balancers exist). */
  async create(ctx: RequestContext, p: PolicyCreate, withGrove = false): Promise<PolicyEntity> {
    await this.ensureNameFree(ctx, p.name);
    const { key } = this.checkSpec(p.spec, withGrove);
    await this.engine.call('policy.validate', { spec: p.spec, project: ctx.projectId, userId: ctx.userId });
    const policy = Object.assign(new PolicyEntity(), {
      id: newId(),
      name: p.name,
      type: key,
      spec: p.spec,
      data: {},
      userId: ctx.userId,
      project: ctx.projectId,
      domain: ctx.domainId,
      createdAt: new Date(),
      updatedAt: null,
    } satisfies PolicyEntity);
    return this.namedWrite(ctx, async (em) => {
      await this.ensureNameFree(ctx, p.name, em);
      return this.policies.insert(policy, em);
    });
  }

  /** What `POST /policies/validate` shows: the policy that would be made; no cloud check, as in Senlin. */
  validate(ctx: RequestContext, spec: Record<string, unknown>, withGrove = false): PolicyEntity {
    const { key } = this.checkSpec(spec, withGrove);
    return Object.assign(new PolicyEntity(), {
      id: null as unknown as string,
      name: 'validated_policy',
      type: key,
      spec,
      data: {},
      userId: ctx.userId,
      project: ctx.projectId,
      domain: ctx.domainId,
      createdAt: null as unknown as Date,
      updatedAt: null,
    });
  }

  get(ctx: RequestContext, identity: string): Promise<PolicyEntity> {
    return this.policies.get(scopeOf(ctx), identity);
  }

  list(scope: Scope, q: ListQuery): Promise<PolicyEntity[]> {
    return this.policies.list(scope, q);
  }

  async rename(ctx: RequestContext, identity: string, name: string): Promise<PolicyEntity> {
    const p = await this.policies.get(scopeOf(ctx), identity);
    if (name === p.name) throw new BadRequest('No property needs an update');
    await this.namedWrite(ctx, async (em) => {
      await this.ensureNameFree(ctx, name, em);
      await this.policies.rename(p.id, name, em);
    });
    return { ...p, name, updatedAt: new Date() };
  }

  private async ensureNameFree(ctx: RequestContext, name: string, em?: EntityManager): Promise<void> {
    if (this.cfg.NAME_UNIQUE && (await this.policies.nameTaken(ctx.projectId, name, em))) {
      throw new BadRequest(`A policy named '${name}' already exists`);
    }
  }

  /** With NAME_UNIQUE the project's policy names queue on one key, so a name checked free stays free. */
  private namedWrite<T>(ctx: RequestContext, write: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.cfg.NAME_UNIQUE
      ? withKeyLocked(this.ds, projectKey('policy', ctx.projectId), write)
      : this.ds.transaction(write);
  }

  async delete(ctx: RequestContext, identity: string): Promise<void> {
    await this.policies.delete(await this.policies.get(scopeOf(ctx), identity));
  }
}
