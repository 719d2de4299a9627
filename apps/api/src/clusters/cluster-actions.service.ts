import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  ActionCooldown,
  BadRequest,
  type ClusterActionName,
  calculateDesired,
  checkSizeParams,
  HTTPBadRequest,
  MethodVersionNotFound,
  MultipleChoices,
  NodeProtected,
  resolveParams,
  ResourceInUse,
  ResourceNotFound,
  scopeOf,
  shortId,
  SpecError,
  type ActionInputs,
  type ApiConfig,
  type RequestContext,
  type Scope,
  type SizeBounds,
} from '@grove/core';
import {
  ActionRepository,
  ClusterPolicyRepository,
  NodeRepository,
  PolicyRepository,
  ProfileRepository,
  type ClusterEntity,
  type NodeEntity,
} from '@grove/db';
import { cooldownRemaining, PolicyRegistry, type ScalingProps } from '@grove/policies';
import { ProfileRegistry } from '@grove/profiles';
import { EngineClient } from '@grove/rpc';
import { recoverInputs } from '../actions/recover-params';
import { atLeast, GROVE_EXTENSIONS, MAX_VERSION, versionString, type ApiVersion } from '../http/microversion';
import { API_CONFIG } from '../http/request-context.middleware';
import { parseBool, pyRepr, unrecognizedBool, validateBody } from '../http/senlin-validators';
import { isMap, singleVerb } from '../http/verb-body';
import {
  AddNodesData,
  CompleteLifecycleData,
  DelNodesData,
  OperationData,
  PolicyAttachData,
  PolicyDetachData,
  PolicyUpdateData,
  ReplaceNodesData,
  ResizeData,
  ScaleData,
} from './cluster-actions.dto';
import { ClusterUpdate } from './clusters.dto';
import { ClustersService, isPreviewing, previewing, type VerbOptions } from './clusters.service';

type Verb = (
  ctx: RequestContext,
  v: ApiVersion,
  identity: string,
  data: Record<string, unknown>,
  o: VerbOptions,
) => Promise<string>;

/** The verb of the cluster action API that makes each action a receiver may start. */
const VERB_OF: Partial<Record<ClusterActionName, string>> = {
  CLUSTER_ADD_NODES: 'add_nodes',
  CLUSTER_DEL_NODES: 'del_nodes',
  CLUSTER_REPLACE_NODES: 'replace_nodes',
  CLUSTER_RESIZE: 'resize',
  CLUSTER_SCALE_OUT: 'scale_out',
  CLUSTER_SCALE_IN: 'scale_in',
  CLUSTER_CHECK: 'check',
  CLUSTER_RECOVER: 'recover',
  CLUSTER_ATTACH_POLICY: 'policy_attach',
  CLUSTER_DETACH_POLICY: 'policy_detach',
  CLUSTER_UPDATE_POLICY: 'policy_update',
};

/** Node filters of a cluster operation, as node columns. */
const OP_FILTERS: Record<string, (n: NodeEntity) => string> = {
  name: (n) => n.name,
  profile_id: (n) => n.profileId,
  status: (n) => n.status,
  role: (n) => n.role ?? '',
};

const bounds = (c: ClusterEntity): SizeBounds => ({
  minSize: c.minSize,
  maxSize: c.maxSize,
  desiredCapacity: c.desiredCapacity,
});

/**
 * `POST /v1/clusters/{id}/actions` and `/ops`: each verb's checks in Senlin's order (the request
 * body first, then the cluster, then the conductor's checks) and with its messages, ending in one
 * action whose `inputs` follow ActionInputs. Conflicts with running work are ClustersService.act's.
 */
@Injectable()
export class ClusterActionsService {
  /** Every verb of Senlin's cluster action API. */
  private readonly verbs = new Map<string, Verb>([
    ['add_nodes', (ctx, _v, id, d, o) => this.addNodes(ctx, id, d, o)],
    ['del_nodes', (ctx, v, id, d, o) => this.delNodes(ctx, v, id, d, o)],
    ['replace_nodes', (ctx, v, id, d, o) => this.replaceNodes(ctx, v, id, d, o)],
    ['resize', (ctx, _v, id, d, o) => this.resize(ctx, id, d, o)],
    ['scale_out', (ctx, _v, id, d, o) => this.scale(ctx, id, d, 'out', o)],
    ['scale_in', (ctx, _v, id, d, o) => this.scale(ctx, id, d, 'in', o)],
    ['check', (ctx, _v, id, d, o) => this.check(ctx, id, d, o)],
    ['recover', (ctx, _v, id, d, o) => this.recover(ctx, id, d, o)],
    ['complete_lifecycle', (ctx, v, id, d) => this.completeLifecycle(ctx, v, id, d)],
    ['policy_attach', (ctx, _v, id, d, o) => this.policyAttach(ctx, id, d, o)],
    ['policy_detach', (ctx, _v, id, d, o) => this.policyBinding(ctx, id, d, 'CLUSTER_DETACH_POLICY', o)],
    ['policy_update', (ctx, _v, id, d, o) => this.policyBinding(ctx, id, d, 'CLUSTER_UPDATE_POLICY', o)],
  ]);

  constructor(
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    private readonly clusters: ClustersService,
    private readonly nodes: NodeRepository,
    private readonly profiles: ProfileRepository,
    private readonly actions: ActionRepository,
    private readonly registry: ProfileRegistry,
    private readonly policies: PolicyRepository,
    private readonly bindings: ClusterPolicyRepository,
    private readonly policyRegistry: PolicyRegistry,
    private readonly engine: EngineClient,
  ) {}

  /**
   * Runs the one verb of the body; returns the id of the action it made. From 1.15 the verb's map
   * may ask for `"preview": true` (Grove): then the same checks run and the answer is what the
   * action would do, with nothing changed.
   */
  async act(
    ctx: RequestContext,
    v: ApiVersion,
    identity: string,
    body: unknown,
  ): Promise<{ actionId: string } | { preview: Record<string, unknown> }> {
    const [name, data] = singleVerb(body, { none: 'No action specified', many: 'Multiple actions specified' });
    const verb = this.verbs.get(name);
    if (!verb) throw new HTTPBadRequest(`Unrecognized action '${name}' specified`);
    if (!isMap(data)) throw new HTTPBadRequest('The data provided is not a map');
    if (!atLeast(v, GROVE_EXTENSIONS) || data.preview === undefined)
      return { actionId: await verb(ctx, v, identity, data, {}) };
    const wanted = parseBool(data.preview);
    if (wanted === undefined) throw new HTTPBadRequest(unrecognizedBool(data.preview));
    const rest = Object.fromEntries(Object.entries(data).filter(([k]) => k !== 'preview'));
    if (!wanted) return { actionId: await verb(ctx, v, identity, rest, {}) };
    return { preview: await this.preview(ctx, () => verb(ctx, v, identity, rest, {})) };
  }

  /** What the request `run` makes would do: the engine decides it exactly as for the real action. */
  async preview(ctx: RequestContext, run: () => Promise<unknown>): Promise<Record<string, unknown>> {
    const { asked } = await previewing(run);
    // complete_lifecycle makes no action: there is nothing to preview beyond its checks.
    if (!asked) return { result: 'OK' };
    const { preview } = await this.engine.call('action.preview', {
      clusterId: asked.cluster.id,
      action: asked.action,
      inputs: asked.inputs,
      project: asked.cluster.project,
      userId: ctx.userId,
    });
    return preview;
  }

  /**
   * A receiver's action (`CLUSTER_SCALE_OUT` with inputs `{count: 2}`) as the request of the cluster
   * action API that makes it, with its checks, conflicts, cooldown and messages: the inputs are the
   * verb's data, with unknown keys dropped. Senlin's receivers skip those checks, so an action
   * with bad inputs fails later; here the request is refused at once. Verbs newer than 1.0 are
   * open to receivers whatever the microversion, since Senlin's receivers knew no gates.
   */
  async actFor(
    ctx: RequestContext,
    action: ClusterActionName,
    cluster: ClusterEntity,
    data: Record<string, unknown>,
    o: Omit<VerbOptions, 'cluster' | 'lenient'> = {},
  ): Promise<string> {
    const opts: VerbOptions = { ...o, cluster, lenient: true };
    const verb = VERB_OF[action];
    if (verb) return this.verbs.get(verb)!(ctx, MAX_VERSION, cluster.id, data, opts);
    switch (action) {
      case 'CLUSTER_UPDATE': {
        const req = validateBody(ClusterUpdate, data, opts);
        return (await this.clusters.update(ctx, MAX_VERSION, cluster.id, req, opts)).actionId;
      }
      case 'CLUSTER_DELETE':
        return this.clusters.delete(ctx, cluster.id, parseBool(data.force ?? false) ?? false, opts);
      case 'CLUSTER_OPERATION': {
        const op = typeof data.operation === 'string' ? data.operation : '';
        if (!op) throw new BadRequest("A CLUSTER_OPERATION needs the 'operation' to run");
        return this.operation(ctx, cluster.id, { [op]: { params: data.params, filters: data.filters } }, opts);
      }
      default:
        throw new BadRequest(`Action name cannot be any of ['CLUSTER_CREATE']`);
    }
  }

  /** The cluster a verb acts on: the one the receiver gave, else the path's. */
  private target(ctx: RequestContext, identity: string, o: VerbOptions): Promise<ClusterEntity> {
    return o.cluster ? Promise.resolve(o.cluster) : this.clusters.get(ctx, identity);
  }

  private async addNodes(
    ctx: RequestContext,
    identity: string,
    data: Record<string, unknown>,
    o: VerbOptions,
  ): Promise<string> {
    const req = validateBody(AddNodesData, { ...data, nodes: 'nodes' in data ? data.nodes : [] }, o);
    const scope = scopeOf(ctx);
    const cluster = await this.target(ctx, identity, o);
    const types = this.typeCache();
    const clusterType = await types(cluster.profileId);
    const found = new Set<string>();
    const [notFound, inactive, owned, otherType] = [[], [], [], []] as string[][];
    for (const ident of req.nodes) {
      const node = await this.findNode(scope, ident);
      if (!node) {
        notFound.push(ident);
        continue;
      }
      if (node.status !== 'ACTIVE') inactive.push(node.id);
      if (node.clusterId) owned.push(node.id);
      if ((await types(node.profileId)) !== clusterType) otherType.push(node.id);
      found.add(node.id);
    }
    const problems = [
      otherType.length && `Profile type of nodes ${pyRepr(otherType)} does not match that of the cluster.`,
      owned.length && `Nodes ${pyRepr(owned)} already owned by some cluster.`,
      inactive.length && `Nodes are not ACTIVE: ${pyRepr(inactive)}.`,
      notFound.length && `Nodes not found: ${pyRepr(notFound)}.`,
    ].filter(Boolean);
    if (problems.length) throw new BadRequest(problems.join('\n'));
    this.checkSize(cluster, cluster.desiredCapacity + found.size, true);
    return this.clusters.act(
      ctx,
      cluster,
      {
        action: 'CLUSTER_ADD_NODES',
        inputs: { nodes: [...found] } satisfies ActionInputs['CLUSTER_ADD_NODES'],
        name: o.name,
      },
      { claim: o.claim },
    );
  }

  private async delNodes(
    ctx: RequestContext,
    v: ApiVersion,
    identity: string,
    data: Record<string, unknown>,
    o: VerbOptions,
  ): Promise<string> {
    const req = validateBody(DelNodesData, { ...data, nodes: 'nodes' in data ? data.nodes : [] }, o);
    const scope = scopeOf(ctx);
    const cluster = await this.target(ctx, identity, o);
    const found = new Set<string>();
    const [notFound, notMember, depended, guarded] = [[], [], [], []] as string[][];
    for (const ident of req.nodes) {
      const node = await this.findNode(scope, ident);
      if (!node) notFound.push(ident);
      else if (node.clusterId !== cluster.id) notMember.push(node.id);
      else if (hasDependents(node)) depended.push(node.id);
      else {
        if (node.protected) guarded.push(node.id);
        found.add(node.id);
      }
    }
    if (depended.length) {
      throw new ResourceInUse(
        'node',
        pyRepr(depended),
        `nodes ${pyRepr(depended)} are depended by other nodes, so can't be deleted or become orphan nodes`,
      );
    }
    const problems = [
      notFound.length && `Nodes not found: ${pyRepr(notFound)}.`,
      notMember.length && `Nodes not members of specified cluster: ${pyRepr(notMember)}.`,
    ].filter(Boolean);
    if (problems.length) throw new BadRequest(problems.join('\n'));
    if (guarded.length && !(atLeast(v, GROVE_EXTENSIONS) && req.force === true))
      throw new NodeProtected(pyRepr(guarded));
    this.checkSize(cluster, cluster.desiredCapacity - found.size, true);
    const inputs: ActionInputs['CLUSTER_DEL_NODES'] = {
      candidates: [...found],
      count: found.size,
      // Before 1.4 the field does not exist: Senlin drops it and the nodes are only detached.
      destroy_after_deletion: atLeast(v, '1.4') ? (req.destroy_after_deletion ?? false) : false,
    };
    return this.clusters.act(ctx, cluster, { action: 'CLUSTER_DEL_NODES', inputs, name: o.name }, { claim: o.claim });
  }

  private async replaceNodes(
    ctx: RequestContext,
    v: ApiVersion,
    identity: string,
    data: Record<string, unknown>,
    o: VerbOptions,
  ): Promise<string> {
    if (!atLeast(v, '1.3')) throw new MethodVersionNotFound(versionString(v));
    const given = data.nodes;
    if (!isMap(given) || !Object.keys(given).length) throw new HTTPBadRequest('The data provided is not a map');
    const req = validateBody(ReplaceNodesData, data, o);
    const scope = scopeOf(ctx);
    const cluster = await this.target(ctx, identity, o);
    const types = this.typeCache();
    const clusterType = await types(cluster.profileId);
    const candidates: Record<string, string> = {};
    const [notMember, owned, inactive, otherType, oldMissing, newMissing] = [[], [], [], [], [], []] as string[][];
    for (const [oldIdent, newIdent] of Object.entries(req.nodes)) {
      const oldNode = await this.findNode(scope, oldIdent);
      if (!oldNode) {
        oldMissing.push(oldIdent);
        continue;
      }
      const newNode = await this.findNode(scope, newIdent);
      if (!newNode) {
        newMissing.push(newIdent);
        continue;
      }
      if (oldNode.clusterId !== cluster.id) notMember.push(oldIdent);
      if (newNode.clusterId) owned.push(newIdent);
      if (newNode.status !== 'ACTIVE') inactive.push(newIdent);
      if ((await types(newNode.profileId)) !== clusterType) otherType.push(newIdent);
      candidates[oldNode.id] = newNode.id;
    }
    const problems = [
      notMember.length &&
        `The specified nodes ${pyRepr(notMember)} to be replaced are not members of the cluster ${cluster.id}.`,
      owned.length && `Nodes ${pyRepr(owned)} already member of a cluster.`,
      inactive.length && `Nodes are not ACTIVE: ${pyRepr(inactive)}.`,
      otherType.length && `Profile type of nodes ${pyRepr(otherType)} do not match that of the cluster.`,
      oldMissing.length && `Original nodes not found: ${pyRepr(oldMissing)}.`,
      newMissing.length && `Replacement nodes not found: ${pyRepr(newMissing)}.`,
    ].filter(Boolean);
    if (problems.length) throw new BadRequest(problems.join('\n'));
    const inputs: ActionInputs['CLUSTER_REPLACE_NODES'] = { candidates };
    return this.clusters.act(
      ctx,
      cluster,
      { action: 'CLUSTER_REPLACE_NODES', inputs, name: o.name },
      { claim: o.claim },
    );
  }

  /**
   * Senlin's resize: what was sent is checked first (a type needs a number and the other way
   * round), then the new desired capacity is worked out from the number of nodes the cluster has
   * now and checked against the old or new bounds, strictly unless `strict` is false.
   */
  private async resize(
    ctx: RequestContext,
    identity: string,
    data: Record<string, unknown>,
    o: VerbOptions,
  ): Promise<string> {
    const given = (k: string) => data[k] !== undefined && data[k] !== null;
    if (!['adjustment_type', 'number', 'min_size', 'max_size'].some(given)) {
      throw new HTTPBadRequest('Not enough parameters to do resize action.');
    }
    const req = validateBody(ResizeData, data, o);
    const type = req.adjustment_type ?? null;
    const num = req.number ?? null;
    const minSize = req.min_size ?? null;
    const maxSize = req.max_size ?? null;
    if (type !== null && num === null) throw new HTTPBadRequest('Missing number value for size adjustment.');
    if (num !== null && type === null) throw new HTTPBadRequest('Missing adjustment_type value for size adjustment.');
    if (minSize !== null && maxSize !== null && maxSize > 0 && minSize > maxSize) {
      throw new HTTPBadRequest(
        `The specified min_size (${minSize}) is greater than the specified max_size (${maxSize}).`,
      );
    }
    if (type === 'EXACT_CAPACITY' && num! < 0) {
      throw new BadRequest(`The 'number' must be non-negative integer for adjustment type '${type}'.`);
    }
    const percentage = type === 'CHANGE_IN_PERCENTAGE';
    // Only percentages keep fractions (Python's int() elsewhere) and only they use min_step.
    const number = num === null ? null : percentage ? num : Math.trunc(num);
    const minStep = percentage ? (req.min_step ?? null) : null;
    const strict = req.strict ?? true;

    const cluster = await this.target(ctx, identity, o);
    const current = (await this.nodes.countMembers(cluster.id)).total;
    const desired = type === null ? null : calculateDesired(current, type, number!, minStep);
    const problem = checkSizeParams({
      cluster: bounds(cluster),
      desired,
      minSize,
      maxSize,
      strict,
      maxNodesPerCluster: this.cfg.MAX_NODES_PER_CLUSTER,
    });
    if (problem) throw new BadRequest(problem);
    const inputs: ActionInputs['CLUSTER_RESIZE'] = {
      adjustment_type: type,
      number,
      min_size: minSize,
      max_size: maxSize,
      min_step: minStep,
      strict,
    };
    return this.clusters.act(ctx, cluster, { action: 'CLUSTER_RESIZE', inputs, name: o.name }, { claim: o.claim });
  }

  private async scale(
    ctx: RequestContext,
    identity: string,
    data: Record<string, unknown>,
    dir: 'out' | 'in',
    o: VerbOptions,
  ): Promise<string> {
    const req = validateBody(ScaleData, data, o);
    const cluster = await this.target(ctx, identity, o);
    const inputs: ActionInputs['CLUSTER_SCALE_OUT'] = {};
    if (req.count !== undefined && req.count !== null) {
      if (req.count === 0) throw new BadRequest(`Count for scale-${dir} request cannot be 0.`);
      // Not strict: only the global cap; the cluster's bounds are the engine's (and the policies') to apply.
      this.checkSize(cluster, cluster.desiredCapacity + (dir === 'out' ? req.count : -req.count), false);
      inputs.count = req.count;
    }
    const action = dir === 'out' ? 'CLUSTER_SCALE_OUT' : 'CLUSTER_SCALE_IN';
    return this.clusters.act(
      ctx,
      cluster,
      { action, inputs, name: o.name },
      { claim: o.claim, extra: (em) => this.refuseInCooldown(cluster, action, em) },
    );
  }

  /**
   * Senlin's validate_scaling_action: a scaling request while an enabled scaling policy for the same
   * event is in its cooldown is a 409 ActionCooldown. Checked under the cluster's row lock.
   */
  private async refuseInCooldown(cluster: ClusterEntity, action: string, em: EntityManager): Promise<void> {
    const now = new Date();
    for (const { policy, binding } of await this.bindings.forCluster(cluster.id, { enabled: true }, em)) {
      if (!policy.type.startsWith('senlin.policy.scaling-')) continue;
      const props = this.policyRegistry.validate(policy.spec).properties as unknown as ScalingProps;
      if (props.event !== action) continue;
      if (cooldownRemaining(props, binding.lastOp, now) > 0) throw new ActionCooldown(action, cluster.id, policy.id);
    }
  }

  /** Any map is the check's inputs; `delete_check_action` first purges the cluster's finished checks. */
  private async check(
    ctx: RequestContext,
    identity: string,
    data: Record<string, unknown>,
    o: VerbOptions,
  ): Promise<string> {
    const cluster = await this.target(ctx, identity, o);
    const purge =
      data.delete_check_action !== undefined &&
      (parseBool(data.delete_check_action) ?? Boolean(data.delete_check_action));
    const inputs: ActionInputs['CLUSTER_CHECK'] = data;
    return this.clusters.act(
      ctx,
      cluster,
      { action: 'CLUSTER_CHECK', inputs, name: o.name },
      {
        claim: o.claim,
        extra: async (em) => {
          if (purge) await this.actions.purgeFinishedChecks(cluster.id, em);
        },
      },
    );
  }

  private async recover(
    ctx: RequestContext,
    identity: string,
    data: Record<string, unknown>,
    o: VerbOptions,
  ): Promise<string> {
    const cluster = await this.target(ctx, identity, o);
    const inputs: ActionInputs['CLUSTER_RECOVER'] = recoverInputs(data, 'cluster');
    return this.clusters.act(ctx, cluster, { action: 'CLUSTER_RECOVER', inputs, name: o.name }, { claim: o.claim });
  }

  /**
   * Lets a victim held by a deletion policy's lifecycle hook go on; no new action (SL
   * CompleteLifecycleProc). The token is looked up without a project check, as Senlin does; one
   * that is no longer held changes nothing and is answered all the same.
   */
  private async completeLifecycle(
    ctx: RequestContext,
    v: ApiVersion,
    identity: string,
    data: Record<string, unknown>,
  ): Promise<string> {
    if (!atLeast(v, '1.9')) throw new MethodVersionNotFound(versionString(v));
    const req = validateBody(CompleteLifecycleData, data);
    await this.clusters.get(ctx, identity);
    const held = await this.actions.getById(req.lifecycle_action_token);
    if (!held) throw new ResourceNotFound('action', req.lifecycle_action_token);
    if (!isPreviewing() && (await this.actions.completeLifecycle(held.id))) this.engine.announceLater([held.id]);
    return held.id;
  }

  /** The attach action checks the policy's type against the cluster's, and the one-per-type rule. */
  private async policyAttach(
    ctx: RequestContext,
    identity: string,
    data: Record<string, unknown>,
    o: VerbOptions,
  ): Promise<string> {
    const req = validateBody(PolicyAttachData, data, o);
    const cluster = await this.target(ctx, identity, o);
    const policy = await this.findPolicy(ctx, req.policy_id);
    const inputs: ActionInputs['CLUSTER_ATTACH_POLICY'] = { policy_id: policy.id, enabled: req.enabled ?? true };
    return this.clusters.act(
      ctx,
      cluster,
      { action: 'CLUSTER_ATTACH_POLICY', inputs, name: o.name ?? `attach_policy_${shortId(cluster.id)}` },
      { claim: o.claim },
    );
  }

  /** policy_detach and policy_update: the policy must be attached to the cluster. */
  private async policyBinding(
    ctx: RequestContext,
    identity: string,
    data: Record<string, unknown>,
    action: 'CLUSTER_DETACH_POLICY' | 'CLUSTER_UPDATE_POLICY',
    o: VerbOptions,
  ): Promise<string> {
    const req =
      action === 'CLUSTER_DETACH_POLICY'
        ? validateBody(PolicyDetachData, data, o)
        : validateBody(PolicyUpdateData, data, o);
    const cluster = await this.target(ctx, identity, o);
    const policy = await this.findPolicy(ctx, req.policy_id);
    const attached = await this.bindings.get(cluster.id, policy.id);
    if (action === 'CLUSTER_DETACH_POLICY') {
      // Beyond Senlin: a detach asked again while the first is on its way, or after it is done,
      // answers with that action. Heat's OS::Senlin::Policy sends policy_detach on every poll of
      // a stack delete and reads `action` from each answer; Senlin's 400 leaves it DELETE_FAILED.
      const earlier = await this.actions.lastDetach(cluster.id, policy.id);
      if (earlier && (!attached || earlier.status !== 'SUCCEEDED')) return earlier.id;
    }
    if (!attached) {
      throw new BadRequest(`The policy '${req.policy_id}' is not attached to the specified cluster '${identity}'`);
    }
    if (action === 'CLUSTER_DETACH_POLICY') {
      const inputs: ActionInputs['CLUSTER_DETACH_POLICY'] = { policy_id: policy.id };
      return this.clusters.act(
        ctx,
        cluster,
        { action, inputs, name: o.name ?? `detach_policy_${shortId(cluster.id)}` },
        { claim: o.claim },
      );
    }
    const enabled = (req as PolicyUpdateData).enabled;
    const inputs: ActionInputs['CLUSTER_UPDATE_POLICY'] = { policy_id: policy.id };
    if (enabled !== undefined && enabled !== null) inputs.enabled = enabled;
    return this.clusters.act(
      ctx,
      cluster,
      { action, inputs, name: o.name ?? `update_policy_${shortId(cluster.id)}` },
      { claim: o.claim },
    );
  }

  /** A policy named in a request body: not found is a 400 about "the specified policy". */
  private async findPolicy(ctx: RequestContext, identity: string) {
    const policy = await this.policies.find(scopeOf(ctx), identity);
    if (!policy) throw new BadRequest(`The specified policy '${identity}' could not be found`);
    return policy;
  }

  /**
   * `POST /v1/clusters/{id}/ops`: `{"<op>": {"params": {…}, "filters": {…}}}`. The operation must be
   * one of the cluster profile type's, its params valid for it, and the filters must select members.
   */
  async operation(ctx: RequestContext, identity: string, body: unknown, o: VerbOptions = {}): Promise<string> {
    const [op, opData] = singleVerb(body, { none: 'No operation specified', many: 'Multiple operations specified' });
    if (!isMap(opData)) throw new HTTPBadRequest('The data provided is not a map');
    const req = validateBody(OperationData, opData, o);
    const cluster = await this.target(ctx, identity, o);
    const profile = await this.profiles.getById(cluster.profileId);
    const typeKey = profile?.type ?? '';
    const ops = this.registry.has(typeKey) ? this.registry.get(typeKey).operations : {};
    if (!Object.hasOwn(ops, op)) {
      throw new BadRequest(`The requested operation '${op}' is not supported by the profile type '${typeKey}'.`);
    }
    let params: Record<string, unknown>;
    try {
      params = resolveParams(ops[op], req.params ?? {});
    } catch (e) {
      if (e instanceof SpecError) throw new BadRequest(e.reason);
      throw e;
    }
    const filters = req.filters ?? {};
    const unsupported = Object.keys(filters).filter((k) => !Object.hasOwn(OP_FILTERS, k));
    if (unsupported.length) throw new BadRequest(unsupported.map((k) => `Filter key '${k}' is unsupported`).join('\n'));
    const wanted = Object.entries(filters).map(([k, raw]) => [k, filterValues(k, raw)] as const);
    const members = await this.nodes.members(cluster.id);
    const nodes = members
      .filter((n) => wanted.every(([k, values]) => values.includes(OP_FILTERS[k](n))))
      .map((n) => n.id);
    if (!nodes.length) throw new BadRequest('No node (matching the filter) could be found');
    const inputs: ActionInputs['CLUSTER_OPERATION'] = { operation: op, params, nodes };
    return this.clusters.act(
      ctx,
      cluster,
      { action: 'CLUSTER_OPERATION', inputs, name: o.name ?? `cluster_${op}_${shortId(cluster.id)}` },
      { claim: o.claim },
    );
  }

  /** A node named in a request body; like Senlin, an ambiguous name counts as not found. */
  private async findNode(scope: Scope, identity: string): Promise<NodeEntity | null> {
    try {
      return await this.nodes.find(scope, identity);
    } catch (e) {
      if (e instanceof MultipleChoices) return null;
      throw e;
    }
  }

  /** Profile id → type key, each profile read once per request. */
  private typeCache(): (profileId: string) => Promise<string | undefined> {
    const seen = new Map<string, Promise<string | undefined>>();
    return (id) => {
      if (!seen.has(id))
        seen.set(
          id,
          this.profiles.getById(id).then((p) => p?.type),
        );
      return seen.get(id)!;
    };
  }

  private checkSize(cluster: ClusterEntity, desired: number, strict: boolean): void {
    const problem = checkSizeParams({
      cluster: bounds(cluster),
      desired,
      strict,
      maxNodesPerCluster: this.cfg.MAX_NODES_PER_CLUSTER,
    });
    if (problem) throw new BadRequest(problem);
  }
}

const hasDependents = (n: NodeEntity): boolean => {
  const deps = (n.dependents as { nodes?: unknown }).nodes;
  return Array.isArray(deps) ? deps.length > 0 : deps !== undefined && deps !== null;
};

/** A filter value: one scalar or a list of them (Senlin matches a list as "any of"). */
function filterValues(key: string, raw: unknown): string[] {
  const scalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  if (scalar(raw)) return [String(raw)];
  if (Array.isArray(raw) && raw.every(scalar)) return raw.map(String);
  throw new BadRequest(`The value of filter '${key}' must be a string or a list of strings`);
}
