import { isDeepStrictEqual } from 'node:util';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ActionInProgress,
  BadRequest,
  formatNodeName,
  newId,
  NODE_BUSY_STATUSES,
  ResourceInUse,
  ResourceNotFound,
  scopeOf,
  type ActionInputs,
  type ApiConfig,
  type RequestContext,
  type Scope,
} from '@grove/core';
import {
  ClusterRepository,
  newNode,
  NodeRepository,
  type NodeEntity,
  ProfileRepository,
  projectKey,
  withKeyLocked,
  type ListQuery,
} from '@grove/db';
import { EngineClient } from '@grove/rpc';
import { ActionFactory, type UserAction } from '../actions/action.factory';
import { atLeast, GROVE_EXTENSIONS, type ApiVersion } from '../http/microversion';
import { API_CONFIG } from '../http/request-context.middleware';
import type { NodeCreate, NodeUpdate } from './nodes.dto';
import { toNodeView } from './nodes.view';

@Injectable()
export class NodesService {
  constructor(
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    private readonly ds: DataSource,
    private readonly nodes: NodeRepository,
    private readonly clusters: ClusterRepository,
    private readonly profiles: ProfileRepository,
    private readonly factory: ActionFactory,
    private readonly engine: EngineClient,
  ) {}

  async views(list: NodeEntity[], v: ApiVersion) {
    const names = await this.profiles.namesByIds(list.map((n) => n.profileId));
    return list.map((n) => toNodeView(n, names.get(n.profileId) ?? null, v));
  }

  /** `cluster_id` may name the cluster by name or short id; an unknown one is a 400 (Senlin). */
  async list(scope: Scope, q: ListQuery, clusterIdent?: string): Promise<NodeEntity[]> {
    if (clusterIdent !== undefined) {
      const c = await this.clusters.find(scope, clusterIdent);
      if (!c) throw new BadRequest(`Cannot find the given cluster: ${clusterIdent}`);
      q.filters = { ...q.filters, cluster_id: [c.id] };
    }
    return this.nodes.list(scope, q);
  }

  async show(ctx: RequestContext, v: ApiVersion, identity: string, details: boolean) {
    const node = await this.nodes.get(scopeOf(ctx), identity);
    const names = await this.profiles.namesByIds([node.profileId]);
    if (!details) return toNodeView(node, names.get(node.profileId) ?? null, v);
    const extra = (await this.engine.call('node.details', { scope: scopeOf(ctx), nodeId: node.id })).details;
    const spec = (await this.profiles.getById(node.profileId))?.spec;
    return toNodeView(node, names.get(node.profileId) ?? null, v, extra, spec);
  }

  get(ctx: RequestContext, identity: string): Promise<NodeEntity> {
    return this.nodes.get(scopeOf(ctx), identity);
  }

  async view(n: NodeEntity, v: ApiVersion) {
    return (await this.views([n], v))[0];
  }

  /**
   * Records a node and its NODE_CREATE action in one transaction. In a cluster the node takes the
   * cluster's next index and a name from its `node.name.format` (the name asked for is ignored, as
   * in Senlin), and its profile must be of the cluster's type. It is not a member yet: the action
   * carries the cluster, and the node joins when its create holds the cluster lock and finds room
   * (NodeCreateHandler), so a create that cannot run is never counted. The answer shows the
   * cluster asked for, as Senlin's does.
   */
  async create(ctx: RequestContext, req: NodeCreate): Promise<{ node: NodeEntity; actionId: string }> {
    const scope = scopeOf(ctx);
    const profile = await this.profiles.find(scope, req.profile_id);
    if (!profile) throw new BadRequest(`The specified profile '${req.profile_id}' could not be found`);
    const cluster = req.cluster_id ? await this.clusters.find(scope, req.cluster_id) : null;
    if (req.cluster_id && !cluster)
      throw new BadRequest(`The specified cluster '${req.cluster_id}' could not be found`);
    if (cluster && profile.id !== cluster.profileId) {
      const clusterProfile = await this.profiles.getById(cluster.profileId);
      if (clusterProfile?.type !== profile.type)
        throw new BadRequest('Node and cluster have different profile type, operation aborted');
    }
    if (!cluster) await this.ensureNameFree(ctx, req.name);

    const node = newNode({
      id: newId(),
      name: req.name,
      clusterId: null,
      profileId: profile.id,
      userId: ctx.userId,
      project: ctx.projectId,
      domain: ctx.domainId,
      index: -1,
      role: req.role || null,
      metadata: req.metadata ?? {},
    });
    const action = this.factory.build(ctx, {
      action: 'NODE_CREATE',
      target: node.id,
      clusterId: cluster?.id ?? null,
      timeout: this.cfg.DEFAULT_ACTION_TIMEOUT_S,
      inputs: {} satisfies ActionInputs['NODE_CREATE'],
    });
    await this.namedWrite(ctx, async (em) => {
      if (cluster) {
        // The row lock orders this with other changes to the cluster and finds it deleted meanwhile.
        if (!(await this.clusters.lockRow(em, cluster.id)))
          throw new BadRequest(`The specified cluster '${req.cluster_id}' could not be found`);
        node.index = await this.clusters.takeIndexes(cluster.id, 1, em);
        node.name = formatNodeName(cluster.config['node.name.format'], node.index);
      }
      await this.ensureNameFree(ctx, node.name, em);
      await this.nodes.insertMany([node], em);
      await this.factory.insert(action, em);
    });
    this.engine.announceLater([action.id]);
    return { node: { ...node, clusterId: cluster?.id ?? null }, actionId: action.id };
  }

  /** Only what differs from the node goes into the NODE_UPDATE inputs; nothing differing is a 400. */
  async update(
    ctx: RequestContext,
    v: ApiVersion,
    identity: string,
    u: NodeUpdate,
  ): Promise<{ node: NodeEntity; actionId: string }> {
    const scope = scopeOf(ctx);
    const node = await this.nodes.get(scope, identity);
    const inputs: ActionInputs['NODE_UPDATE'] = {};
    if (u.profile_id !== undefined && u.profile_id !== null) {
      const profile = await this.profiles.find(scope, u.profile_id);
      if (!profile) throw new BadRequest(`The specified profile '${u.profile_id}' could not be found`);
      const current = await this.profiles.getById(node.profileId);
      if (current && current.type !== profile.type) {
        throw new BadRequest('Cannot update a node to a different profile type, operation aborted');
      }
      if (profile.id !== node.profileId) inputs.new_profile_id = profile.id;
    }
    if (u.name && u.name !== node.name) inputs.name = u.name;
    if (u.role !== undefined && (u.role ?? '') !== (node.role ?? '')) inputs.role = u.role ?? '';
    if (u.metadata !== undefined && !isDeepStrictEqual(u.metadata ?? {}, node.metadata))
      inputs.metadata = u.metadata ?? {};
    // `tainted` exists from 1.13; below it Senlin drops the field.
    if (atLeast(v, '1.13') && typeof u.tainted === 'boolean' && u.tainted !== node.tainted) inputs.tainted = u.tainted;
    if (atLeast(v, GROVE_EXTENSIONS) && typeof u.protected === 'boolean' && u.protected !== node.protected)
      inputs.protected = u.protected;
    if (!Object.keys(inputs).length) throw new BadRequest('No property needs an update');
    if (inputs.name && !node.clusterId) await this.ensureNameFree(ctx, inputs.name);
    const actionId = await this.act(ctx, node, { action: 'NODE_UPDATE', inputs });
    return { node, actionId };
  }

  /** Without `force`, a node being changed cannot be deleted (409), nor one other nodes depend on. */
  async delete(ctx: RequestContext, identity: string, force: boolean): Promise<string> {
    const node = await this.nodes.get(scopeOf(ctx), identity);
    if (!force && NODE_BUSY_STATUSES.includes(node.status)) throw new ActionInProgress('node', identity, node.status);
    // Containers on it (dependents.nodes) or container profiles naming it (dependents.profiles).
    const { nodes: hosted, profiles: naming } = node.dependents as { nodes?: unknown[]; profiles?: unknown[] };
    if ((Array.isArray(hosted) && hosted.length) || (Array.isArray(naming) && naming.length)) {
      throw new ResourceInUse('node', identity, 'still depended by other clusters and/or nodes');
    }
    const inputs: ActionInputs['NODE_DELETE'] = { force };
    return this.act(ctx, node, { action: 'NODE_DELETE', inputs }, force);
  }

  /**
   * Records a user's action on a node: the node row is locked for the transaction, so the
   * conflict check (Senlin's 409s) and the insert cannot interleave with another request's.
   * A delete while another delete of the node is on its way is that delete: its id is returned.
   */
  async act(
    ctx: RequestContext,
    node: NodeEntity,
    a: Pick<UserAction, 'action' | 'inputs' | 'name'>,
    force = false,
  ): Promise<string> {
    const action = this.factory.build(ctx, {
      ...a,
      target: node.id,
      clusterId: node.clusterId,
      timeout: this.cfg.DEFAULT_ACTION_TIMEOUT_S,
    });
    const pending = await this.ds.transaction(async (em) => {
      if (!(await this.nodes.lockRow(em, node.id))) throw new ResourceNotFound('node', node.id);
      const earlier = await this.factory.pendingDelete(em, a.action, node.id);
      if (earlier) return earlier;
      await this.factory.ensureFree(em, a.action, node.id, 'node', force);
      await this.factory.insert(action, em);
      return null;
    });
    if (pending) return pending;
    this.engine.announceLater([action.id]);
    return action.id;
  }

  private async ensureNameFree(ctx: RequestContext, name: string, em?: EntityManager): Promise<void> {
    if (this.cfg.NAME_UNIQUE && (await this.nodes.nameTaken(ctx.projectId, name, em))) {
      throw new BadRequest(`The node named (${name}) already exists`);
    }
  }

  /**
   * A transaction for writes that add a node name: with NAME_UNIQUE the project's ones queue on
   * one key, so a name checked free inside is still free at the insert.
   */
  namedWrite<T>(ctx: RequestContext, write: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.cfg.NAME_UNIQUE
      ? withKeyLocked(this.ds, projectKey('node', ctx.projectId), write)
      : this.ds.transaction(write);
  }
}
