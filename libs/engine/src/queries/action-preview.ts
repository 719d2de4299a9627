import { Injectable } from '@nestjs/common';
import {
  CAUSE_RPC,
  isClusterAction,
  newId,
  ResourceNotFound,
  shortId,
  type ActionName,
  type ClusterActionName,
} from '@grove/core';
import { ClusterRepository, newAction, NodeRepository, type ActionEntity } from '@grove/db';
import type { EngineRpc } from '@grove/rpc';
import { MembershipPlanner, type PlannedAction } from '../actions/cluster/membership-plan';
import { PolicyRunner } from '../runner/policy-runner';

const PREVIEW_TIMEOUT_MS = 20_000;

/** The actions whose membership change a preview can work out before anything happens. */
const PLANNED: readonly ActionName[] = ['CLUSTER_SCALE_OUT', 'CLUSTER_SCALE_IN', 'CLUSTER_RESIZE'];

/**
 * Grove's previews (1.15): what a cluster action would do, decided by the same code the real
 * action runs — its policies BEFORE (with `preview` set, so no port changes anything), then
 * MembershipPlanner — with nothing written. Run on the same state, a preview and the real action
 * agree: the same count, victims in the same order, the same zones, the same veto.
 */
@Injectable()
export class ActionPreview {
  constructor(
    private readonly clusters: ClusterRepository,
    private readonly nodes: NodeRepository,
    private readonly policies: PolicyRunner,
    private readonly planner: MembershipPlanner,
  ) {}

  async preview(req: EngineRpc['action.preview']['req']): Promise<Record<string, unknown>> {
    const cluster = await this.clusters.getById(req.clusterId);
    if (!cluster || cluster.project !== req.project) throw new ResourceNotFound('cluster', req.clusterId);
    if (!isClusterAction(req.action)) throw new Error(`${req.action} is not a cluster action`);
    const action = this.wouldBe(req.action, cluster.id, req);
    const o = {
      signal: AbortSignal.timeout(PREVIEW_TIMEOUT_MS),
      deadline: new Date(Date.now() + PREVIEW_TIMEOUT_MS),
      preview: true,
    };
    const before = await this.policies.check('before', { action, cluster }, o);
    const out: Record<string, unknown> = { action: req.action, cluster_id: cluster.id };
    if (before.veto) {
      return {
        ...out,
        result: 'REFUSED',
        reason: `Policy check failure: ${before.veto}`,
        vetoed_by: {
          policy_id: before.vetoedBy!.policyId,
          policy_name: before.vetoedBy!.policyName,
          reason: before.vetoedBy!.reason,
        },
        data: before.data,
      };
    }
    action.data = before.data;
    if (!PLANNED.includes(req.action)) {
      return { ...out, result: 'OK', ...this.membership(req.action, req.inputs), data: before.data };
    }
    // The api checked the inputs as for the real request, so they are the planned action's own.
    const plan = await this.planner.plan(action as unknown as PlannedAction, cluster);
    if (plan.kind === 'refused')
      return { ...out, result: 'REFUSED', reason: plan.reason, vetoed_by: null, data: before.data };
    const added = plan.kind === 'grow' ? plan.count : 0;
    const removed = plan.kind === 'shrink' ? plan.victims : [];
    const creation = (before.data.creation ?? {}) as { zones?: unknown; regions?: unknown };
    const deletion = (before.data.deletion ?? {}) as { zones?: unknown; regions?: unknown };
    const victimNames = new Map((await this.nodes.getByIds(removed)).map((n) => [n.id, n.name]));
    const after = await this.policies.describeAfter({ action, cluster }, { added, removed }, o);
    // What the load-balancing policy did BEFORE (members it would remove) and would do AFTER.
    const lb = { ...((before.data.load_balancer as object) ?? {}), ...((after.load_balancer as object) ?? {}) };
    return {
      ...out,
      result: 'OK',
      vetoed_by: null,
      count: added || removed.length,
      desired_capacity: plan.desired,
      nodes_to_add: added,
      victims: removed.map((id) => ({ id, name: victimNames.get(id) ?? null })),
      placements: plan.kind === 'grow' ? plan.placements.map((p) => p.placement ?? {}) : [],
      zones: plan.kind === 'grow' ? (creation.zones ?? null) : (deletion.zones ?? null),
      regions: plan.kind === 'grow' ? (creation.regions ?? null) : (deletion.regions ?? null),
      ...after,
      ...(Object.keys(lb).length ? { load_balancer: lb } : {}),
      data: before.data,
    };
  }

  /** The membership an explicit add, delete or replace names. */
  private membership(name: ClusterActionName, inputs: Record<string, unknown>): Record<string, unknown> {
    if (name === 'CLUSTER_ADD_NODES') return { nodes_to_add: inputs.nodes };
    if (name === 'CLUSTER_DEL_NODES') return { victims: inputs.candidates };
    if (name === 'CLUSTER_REPLACE_NODES') return { replacements: inputs.candidates };
    return {};
  }

  /** The action the request would make, never stored. */
  private wouldBe(name: ClusterActionName, clusterId: string, req: EngineRpc['action.preview']['req']): ActionEntity {
    return newAction({
      id: newId(),
      name: `${name.toLowerCase()}_${shortId(clusterId)}`,
      clusterId,
      target: clusterId,
      action: name,
      cause: CAUSE_RPC,
      timeout: 3600,
      inputs: req.inputs,
      context: {
        requestId: null,
        userId: req.userId,
        projectId: req.project,
        domainId: null,
        roles: [],
        isAdmin: false,
      },
      userId: req.userId,
      project: req.project,
      domain: null,
    });
  }
}
