import { AsyncLocalStorage } from 'node:async_hooks';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ActionInProgress,
  BadRequest,
  checkSizeParams,
  CLUSTER_BUSY_STATUSES,
  FeatureNotSupported,
  Forbidden,
  newId,
  ResourceInUse,
  ResourceNotFound,
  scopeOf,
  type ApiConfig,
  type RequestContext,
  type Scope,
} from '@grove/core';
import {
  ClusterEntity,
  ClusterPolicyRepository,
  ClusterRepository,
  ProfileRepository,
  projectKey,
  withKeyLocked,
  type ListQuery,
} from '@grove/db';
import { EngineClient } from '@grove/rpc';
import { ActionFactory, type UserAction } from '../actions/action.factory';
import { API_CONFIG } from '../http/request-context.middleware';
import { atLeast, type ApiVersion } from '../http/microversion';
import { pyRepr } from '../http/senlin-validators';
import { toClusterView } from './clusters.view';
import type { ClusterCreate, ClusterUpdate } from './clusters.dto';

export type ClusterView = ReturnType<typeof toClusterView>;

/** The action a request would make, collected by previewing() instead of being stored. */
export interface PreviewAsked {
  asked?: { cluster: ClusterEntity; action: UserAction['action']; inputs: Record<string, unknown> };
}

/** The request being previewed, if any (one store per request, whatever it awaits meanwhile). */
const PREVIEWS = new AsyncLocalStorage<PreviewAsked>();

/** Whether the current request is a preview, for the few verbs that change something without an action. */
export const isPreviewing = (): boolean => PREVIEWS.getStore() !== undefined;

/** Runs `f` so that the action it would make is collected into the returned object, never stored. */
export async function previewing(f: () => Promise<unknown>): Promise<PreviewAsked> {
  const store: PreviewAsked = {};
  await PREVIEWS.run(store, f);
  return store;
}

/** What ClustersService.act does besides recording the action, all under the cluster's row lock. */
export interface ActOptions {
  /** Skip the conflict checks (a forced delete). */
  force?: boolean;
  /**
   * Runs first, before the conflict checks, with the new action's id: an idempotent trigger claims
   * its key here, and aborts the transaction when a retry finds the action of the first.
   */
  claim?: (em: EntityManager, actionId: string) => Promise<void>;
  /** Runs after the conflict checks, before the insert (a cooldown check, a purge). */
  extra?: (em: EntityManager) => Promise<void>;
}

/** How a receiver's request for a cluster action differs from one to the cluster action API. */
export interface VerbOptions {
  /** The cluster, already found (a receiver knows its id). */
  cluster?: ClusterEntity;
  /** The action's name instead of the default one (`webhook_1a2b3c4d`). */
  name?: string;
  /** Drop unknown keys of the data instead of refusing them (an alarm posts fields of its own). */
  lenient?: boolean;
  claim?: ActOptions['claim'];
}

@Injectable()
export class ClustersService {
  constructor(
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    private readonly ds: DataSource,
    private readonly clusters: ClusterRepository,
    private readonly profiles: ProfileRepository,
    private readonly bindings: ClusterPolicyRepository,
    private readonly factory: ActionFactory,
    private readonly engine: EngineClient,
  ) {}

  /** Views with member ids, policy ids and profile names, fetched in one query each for the whole page. */
  async views(list: ClusterEntity[]): Promise<ClusterView[]> {
    const ids = list.map((c) => c.id);
    const [members, names, policies] = await Promise.all([
      this.clusters.memberIds(ids),
      this.profiles.namesByIds(list.map((c) => c.profileId)),
      this.bindings.policyIds(ids),
    ]);
    return list.map((c) =>
      toClusterView(c, {
        profileName: names.get(c.profileId) ?? null,
        nodes: members.get(c.id) ?? [],
        policies: policies.get(c.id) ?? [],
      }),
    );
  }

  async view(c: ClusterEntity): Promise<ClusterView> {
    return (await this.views([c]))[0];
  }

  /** One cluster's view in a single database round trip. */
  async show(ctx: RequestContext, identity: string): Promise<ClusterView> {
    const { cluster, nodes, policies, profileName } = await this.clusters.getForView(scopeOf(ctx), identity);
    return toClusterView(cluster, { profileName, nodes, policies });
  }

  get(ctx: RequestContext, identity: string): Promise<ClusterEntity> {
    return this.clusters.get(scopeOf(ctx), identity);
  }

  list(scope: Scope, q: ListQuery): Promise<ClusterEntity[]> {
    return this.clusters.list(scope, q);
  }

  async create(
    ctx: RequestContext,
    v: ApiVersion,
    req: ClusterCreate,
  ): Promise<{ cluster: ClusterEntity; actionId: string }> {
    const scope = scopeOf(ctx);
    // First in Senlin's order of answers; again below, where it is exact.
    await this.ensureRoom(ctx, req.name);
    const profile = await this.profiles.find(scope, req.profile_id);
    if (!profile) throw new BadRequest(`The specified profile '${req.profile_id}' could not be found`);
    const minSize = req.min_size ?? 0;
    const maxSize = req.max_size ?? -1;
    const desired = req.desired_capacity ?? req.min_size ?? 0;
    const problem = checkSizeParams({
      desired,
      minSize,
      maxSize,
      strict: true,
      maxNodesPerCluster: this.cfg.MAX_NODES_PER_CLUSTER,
    });
    if (problem) throw new BadRequest(problem);

    const cluster = Object.assign(new ClusterEntity(), {
      id: newId(),
      name: req.name,
      profileId: profile.id,
      userId: ctx.userId,
      project: ctx.projectId,
      domain: ctx.domainId,
      initAt: new Date(),
      createdAt: null,
      updatedAt: null,
      minSize,
      maxSize,
      desiredCapacity: desired,
      nextIndex: 1,
      // Senlin takes a timeout of 0, like none, as the default.
      timeout: req.timeout || this.cfg.DEFAULT_ACTION_TIMEOUT_S,
      status: 'INIT',
      statusReason: 'Initializing',
      metadata: req.metadata ?? {},
      data: {},
      dependents: {},
      config: atLeast(v, '1.7') ? (req.config ?? {}) : {},
    } satisfies ClusterEntity);
    const action = this.factory.build(ctx, {
      action: 'CLUSTER_CREATE',
      target: cluster.id,
      clusterId: cluster.id,
      timeout: cluster.timeout,
    });
    // The project's cluster creates queue here, so the quota and the name hold however many race.
    await withKeyLocked(this.ds, projectKey('cluster', ctx.projectId), async (em) => {
      await this.ensureRoom(ctx, req.name, em);
      await this.clusters.insert(cluster, em);
      await this.factory.insert(action, em);
    });
    this.engine.announceLater([action.id]);
    return { cluster, actionId: action.id };
  }

  /** The name is free (NAME_UNIQUE) and the project is under its cluster quota. */
  private async ensureRoom(ctx: RequestContext, name: string, em?: EntityManager): Promise<void> {
    if (this.cfg.NAME_UNIQUE && (await this.clusters.nameTaken(ctx.projectId, name, em))) {
      throw new BadRequest(`a cluster named '${name}' already exists`);
    }
    if ((await this.clusters.countInProject(ctx.projectId, em)) >= this.cfg.MAX_CLUSTERS_PER_PROJECT) {
      throw new Forbidden(
        `Quota exceeded for resources: a project may have ${this.cfg.MAX_CLUSTERS_PER_PROJECT} clusters.`,
      );
    }
  }

  async update(ctx: RequestContext, v: ApiVersion, identity: string, req: ClusterUpdate, o: VerbOptions = {}) {
    const scope = scopeOf(ctx);
    const cluster = o.cluster ?? (await this.clusters.get(scope, identity));
    if (cluster.status === 'ERROR') throw new FeatureNotSupported('Updating a cluster in error state');
    const inputs: Record<string, unknown> = {};
    const changed = (a: unknown, b: unknown) => JSON.stringify(a) !== JSON.stringify(b);
    if (req.name != null && req.name !== cluster.name) inputs.name = req.name;
    if (req.timeout != null && req.timeout !== cluster.timeout) inputs.timeout = req.timeout;
    const metadata = req.metadata === null ? {} : req.metadata;
    if (metadata !== undefined && changed(metadata, cluster.metadata)) inputs.metadata = metadata;
    const config = req.config === null ? {} : req.config;
    if (atLeast(v, '1.7') && config !== undefined && changed(config, cluster.config)) inputs.config = config;
    if (req.profile_id != null) {
      const profile = await this.profiles.find(scope, req.profile_id);
      if (!profile) throw new BadRequest(`The specified profile '${req.profile_id}' could not be found`);
      if (profile.id !== cluster.profileId) {
        const current = await this.profiles.getById(cluster.profileId);
        if (current && current.type !== profile.type) {
          throw new BadRequest('Cannot update a cluster to a different profile type, operation aborted');
        }
        inputs.new_profile_id = profile.id;
        if (atLeast(v, '1.6') && req.profile_only != null) inputs.profile_only = req.profile_only;
      }
    }
    if (!Object.keys(inputs).length) throw new BadRequest('No property needs an update');
    const actionId = await this.act(ctx, cluster, { action: 'CLUSTER_UPDATE', inputs, name: o.name }, o);
    return { cluster, actionId };
  }

  async delete(ctx: RequestContext, identity: string, force: boolean, o: VerbOptions = {}): Promise<string> {
    const cluster = o.cluster ?? (await this.clusters.get(scopeOf(ctx), identity));
    if (!force && CLUSTER_BUSY_STATUSES.includes(cluster.status)) {
      throw new ActionInProgress('cluster', identity, cluster.status);
    }
    const hosting = (cluster.dependents as { profiles?: string[] }).profiles ?? [];
    if (hosting.length)
      throw new ResourceInUse('cluster', identity, `still referenced by profile(s): ${pyRepr(hosting)}`);
    return this.act(
      ctx,
      cluster,
      { action: 'CLUSTER_DELETE', inputs: { force }, name: o.name },
      { force, claim: o.claim },
    );
  }

  /**
   * Records a user's action on a cluster: the cluster row is locked for the transaction, so the
   * conflict check and the insert cannot interleave with another request's, then it is announced.
   * A delete while another delete of the cluster is on its way is that delete: its id is returned.
   * Inside previewing(), it checks the same way, in a transaction it rolls back, and hands the
   * would-be action to the preview instead (Grove, 1.15).
   */
  async act(
    ctx: RequestContext,
    cluster: ClusterEntity,
    a: Pick<UserAction, 'action' | 'inputs' | 'name'>,
    o: ActOptions = {},
  ): Promise<string> {
    const preview = PREVIEWS.getStore();
    if (preview) {
      await this.wouldAct(cluster, a.action, o.force ?? false, o.extra);
      preview.asked = { cluster, action: a.action, inputs: a.inputs ?? {} };
      return '';
    }
    const action = this.factory.build(ctx, {
      ...a,
      target: cluster.id,
      clusterId: cluster.id,
      timeout: cluster.timeout,
    });
    const pending = await this.ds.transaction(async (em) => {
      if (!(await this.clusters.lockRow(em, cluster.id))) throw new ResourceNotFound('cluster', cluster.id);
      const earlier = await this.factory.pendingDelete(em, a.action, cluster.id);
      // An idempotency key remembers the action that answers, the earlier delete included.
      await o.claim?.(em, earlier ?? action.id);
      if (earlier) return earlier;
      await this.factory.ensureFree(em, a.action, cluster.id, 'cluster', o.force);
      await o.extra?.(em);
      await this.factory.insert(action, em);
      return null;
    });
    if (pending) return pending;
    this.engine.announceLater([action.id]);
    return action.id;
  }

  /** act()'s checks (the 409s a real request would get), in a transaction rolled back: nothing is written. */
  private async wouldAct(
    cluster: ClusterEntity,
    action: UserAction['action'],
    force: boolean,
    extra?: (em: EntityManager) => Promise<void>,
  ): Promise<void> {
    const rollback = new Error('preview rollback');
    try {
      await this.ds.transaction(async (em) => {
        if (!(await this.clusters.lockRow(em, cluster.id))) throw new ResourceNotFound('cluster', cluster.id);
        await this.factory.ensureFree(em, action, cluster.id, 'cluster', force);
        await extra?.(em);
        throw rollback;
      });
    } catch (e) {
      if (e !== rollback) throw e;
    }
  }
}
