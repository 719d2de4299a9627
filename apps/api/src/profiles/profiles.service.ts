import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { BadRequest, InvalidSpec, newId, scopeOf, SpecError, type ApiConfig, type RequestContext } from '@grove/core';
import {
  ClusterRepository,
  NodeRepository,
  ProfileEntity,
  ProfileRepository,
  projectKey,
  withKeyLocked,
  type ListQuery,
} from '@grove/db';
import { invalidProfileSpec, ProfileRegistry, type ValidatedSpec } from '@grove/profiles';
import { EngineClient } from '@grove/rpc';
import { API_CONFIG } from '../http/request-context.middleware';
import type { ProfileCreate, ProfileUpdate } from './profiles.dto';

@Injectable()
export class ProfilesService {
  constructor(
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    private readonly ds: DataSource,
    private readonly profiles: ProfileRepository,
    private readonly nodes: NodeRepository,
    private readonly clusters: ClusterRepository,
    private readonly registry: ProfileRegistry,
    private readonly engine: EngineClient,
  ) {}

  /**
   * Checks a spec: its envelope and type locally, its properties against the type's schema, then
   * against the cloud through an engine (the api holds no cloud credentials). Returns the type key.
   * `name` is the profile being created, for Senlin's "Failed in creating profile <name>: …".
   */
  async checkSpec(
    spec: Record<string, unknown>,
    name: string | null,
    owner: { projectId: string; userId: string },
  ): Promise<ValidatedSpec> {
    let validated: ValidatedSpec;
    try {
      validated = this.registry.validate(spec);
    } catch (e) {
      if (e instanceof SpecError) throw invalidProfileSpec(name, e);
      throw e;
    }
    try {
      await this.engine.call('profile.validate', { spec, project: owner.projectId, userId: owner.userId });
    } catch (e) {
      if (e instanceof InvalidSpec && name !== null)
        throw new InvalidSpec(`Failed in creating profile ${name}: ${e.message}`);
      throw e;
    }
    return validated;
  }

  /** The ids of the nodes and clusters a spec builds on (the engine has checked they exist). */
  async hostIds(ctx: RequestContext, v: ValidatedSpec): Promise<{ nodes: string[]; clusters: string[] }> {
    const named = v.type.hosts?.(v.properties) ?? { nodes: [], clusters: [] };
    const scope = scopeOf(ctx);
    const ids = async (idents: string[], find: (i: string) => Promise<{ id: string } | null>) =>
      (await Promise.all(idents.map(find))).flatMap((x) => (x ? [x.id] : []));
    return {
      nodes: await ids(named.nodes, (i) => this.nodes.find(scope, i)),
      clusters: await ids(named.clusters, (i) => this.clusters.find(scope, i)),
    };
  }

  async create(ctx: RequestContext, p: ProfileCreate): Promise<ProfileEntity> {
    await this.ensureNameFree(ctx, p.name);
    const validated = await this.checkSpec(p.spec, p.name, ctx);
    const hosts = await this.hostIds(ctx, validated);
    const profile = Object.assign(new ProfileEntity(), {
      id: newId(),
      name: p.name,
      type: validated.key,
      spec: p.spec,
      metadata: p.metadata ?? {},
      userId: ctx.userId,
      project: ctx.projectId,
      domain: ctx.domainId,
      createdAt: new Date(),
      updatedAt: null,
    });
    return this.namedWrite(ctx, async (em) => {
      await this.ensureNameFree(ctx, p.name, em);
      return this.profiles.insert(profile, hosts, em);
    });
  }

  private async ensureNameFree(ctx: RequestContext, name: string, em?: EntityManager): Promise<void> {
    if (this.cfg.NAME_UNIQUE && (await this.profiles.nameTaken(ctx.projectId, name, em))) {
      throw new BadRequest(`A profile named '${name}' already exists`);
    }
  }

  /** With NAME_UNIQUE the project's profile names queue on one key, so a name checked free stays free. */
  private namedWrite<T>(ctx: RequestContext, write: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.cfg.NAME_UNIQUE
      ? withKeyLocked(this.ds, projectKey('profile', ctx.projectId), write)
      : this.ds.transaction(write);
  }

  /** What `POST /profiles/validate` shows: the profile that would be made, never stored. */
  async validate(ctx: RequestContext, spec: Record<string, unknown>): Promise<ProfileEntity> {
    const type = (await this.checkSpec(spec, null, ctx)).key;
    return Object.assign(new ProfileEntity(), {
      id: null,
      name: 'validated_profile',
      type,
      spec,
      metadata: {},
      userId: ctx.userId,
      project: ctx.projectId,
      domain: ctx.domainId,
      createdAt: null,
      updatedAt: null,
    });
  }

  get(ctx: RequestContext, identity: string): Promise<ProfileEntity> {
    return this.profiles.get(scopeOf(ctx), identity);
  }

  list(scope: Parameters<ProfileRepository['list']>[0], q: ListQuery): Promise<ProfileEntity[]> {
    return this.profiles.list(scope, q);
  }

  async update(ctx: RequestContext, identity: string, u: ProfileUpdate): Promise<ProfileEntity> {
    const p = await this.profiles.get(scopeOf(ctx), identity);
    const patch: { name?: string; metadata?: Record<string, unknown> } = {};
    if (u.name != null && u.name !== p.name) patch.name = u.name;
    const metadata = u.metadata === null ? {} : u.metadata;
    if (metadata !== undefined && JSON.stringify(metadata) !== JSON.stringify(p.metadata)) patch.metadata = metadata;
    if (!Object.keys(patch).length) throw new BadRequest('No property needs an update');
    const name = patch.name;
    if (name) {
      await this.namedWrite(ctx, async (em) => {
        await this.ensureNameFree(ctx, name, em);
        await this.profiles.update(p.id, patch, em);
      });
    } else {
      await this.profiles.update(p.id, patch);
    }
    return { ...p, ...patch, updatedAt: new Date() };
  }

  async delete(ctx: RequestContext, identity: string): Promise<void> {
    await this.profiles.delete(await this.profiles.get(scopeOf(ctx), identity));
  }
}
