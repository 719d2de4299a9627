import { checkSizeParams, type ActionName } from '@grove/core';
import { pickVictims } from '../deletion/pick-victims';
import type { PolicyContext, PolicyEffects, PolicyNode } from '../policy-type';
import type { LbResources } from '../ports';
import { resizeChange } from '../resize-change';

/**
 * The load-balancing policy's decisions, without the cloud: which members leave or join the pool
 * for an action, and what the results mean for nodes and the action. The hooks in
 * load-balancing.policy.ts call the port in between.
 */

type Ctx = Pick<PolicyContext<unknown>, 'action' | 'cluster' | 'node' | 'limits' | 'random'>;

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] | null =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : null;
const count = (v: unknown): number | null => {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : null;
};

/** The pool member a node has (`node.data.lb_member`), or null. */
export const lbMember = (n: Pick<PolicyNode, 'data'>): string | null =>
  typeof n.data.lb_member === 'string' && n.data.lb_member ? n.data.lb_member : null;

/** Python's str() of a list of ids, which Senlin's failure reasons embed: ['a', 'b']. */
export const pyList = (ids: readonly string[]): string => `[${ids.map((id) => `'${id}'`).join(', ')}]`;

/** A member to take out of the pool. */
export interface Removal {
  readonly node: PolicyNode;
  readonly member: string;
}

export interface ShrinkPlan {
  /** The nodes the action removes from the cluster, as this policy understands them. */
  readonly candidates: readonly string[];
  /**
   * `data.deletion` to write when no earlier policy chose the victims and this one did (so the
   * action deletes exactly the nodes whose members went); null when it chose none.
   */
  readonly deletion: Record<string, unknown> | null;
  /** Members to remove now: the candidates that are members of the pool. */
  readonly removals: readonly Removal[];
  /** Why no member is removed although there are candidates. */
  readonly skipped: 'lifecycle-hooks' | 'size' | null;
}

const SHRINKING_BEFORE: readonly ActionName[] = [
  'CLUSTER_DEL_NODES',
  'CLUSTER_SCALE_IN',
  'CLUSTER_RESIZE',
  'NODE_DELETE',
  'CLUSTER_REPLACE_NODES',
];

const nothing: ShrinkPlan = { candidates: [], deletion: null, removals: [], skipped: null };

/**
 * The members a shrinking action removes before it runs (SL _get_delete_candidates and pre_op).
 * Candidates are an earlier policy's `data.deletion.candidates`, else the action's own: the target
 * of NODE_DELETE, `inputs.candidates` of DEL_NODES, the keys of REPLACE_NODES' candidates (Senlin
 * reads them only when a deletion decision exists, which no policy makes for a replace, and
 * otherwise removes one random node: a slip Grove does not copy). When only a count is known
 * (a scaling policy's, a resize's, SCALE_IN's `count`, default 1), this policy picks the victims
 * as the action would without a deletion policy (youngest first, broken ones before) and writes
 * them into `data.deletion`.
 *
 * Nothing is removed while a deletion policy's lifecycle hooks hold the deletions (each node's
 * own NODE_DELETE removes it later, as in Senlin), nor, Grove's rule, when the action is going to
 * refuse the shrink for the cluster's size: its members would leave the pool and stay in the
 * cluster. RESIZE already checks its sizes while parsing; REPLACE_NODES does not change the size.
 */
export function planShrink(ctx: Ctx): ShrinkPlan {
  const { action, cluster } = ctx;
  if (!SHRINKING_BEFORE.includes(action.name)) return nothing;
  const deletion = isMap(action.data.deletion) ? action.data.deletion : null;
  let candidates: string[] | null = null;
  let wanted = 0;

  if (action.name === 'CLUSTER_REPLACE_NODES') {
    candidates = isMap(action.inputs.candidates) ? Object.keys(action.inputs.candidates) : [];
  } else if (deletion) {
    wanted = count(deletion.count) ?? 0;
    candidates = strings(deletion.candidates);
  } else if (action.name === 'NODE_DELETE') {
    candidates = [action.target];
  } else if (action.name === 'CLUSTER_DEL_NODES') {
    candidates = strings(action.inputs.candidates) ?? [];
  } else if (action.name === 'CLUSTER_RESIZE') {
    const change = resizeChange(cluster, action.inputs, ctx.limits.maxNodesPerCluster);
    if ('error' in change || change.delta >= 0) return nothing;
    wanted = -change.delta;
  } else {
    const asked = action.inputs.count ?? 1;
    wanted = count(asked) ?? 0;
    // An invalid count is the action's to refuse; a zero one removes nothing.
    if (wanted === 0) return nothing;
  }

  let chosen: Record<string, unknown> | null = null;
  if (candidates === null) {
    if (wanted === 0) return nothing;
    candidates = pickVictims(cluster.members, Math.min(wanted, cluster.members.length), 'YOUNGEST_FIRST', ctx.random);
    chosen = { ...(deletion ?? {}), count: candidates.length, candidates };
  }
  if (!candidates.length) return { ...nothing, deletion: chosen };

  const byId = new Map(cluster.members.map((m) => [m.id, m]));
  const leaving = candidates.filter((id) => byId.has(id));
  if (sizeRefused(ctx, leaving.length)) return { candidates, deletion: chosen, removals: [], skipped: 'size' };
  if (isMap(action.data.hooks) && Object.keys(action.data.hooks).length > 0) {
    return { candidates, deletion: chosen, removals: [], skipped: 'lifecycle-hooks' };
  }
  const removals = leaving.flatMap((id) => {
    const node = byId.get(id)!;
    const member = lbMember(node);
    return member ? [{ node, member }] : [];
  });
  return { candidates, deletion: chosen, removals, skipped: null };
}

/** Whether the action will refuse to shrink by `leaving` for the cluster's size (its own strict check). */
function sizeRefused(ctx: Ctx, leaving: number): boolean {
  const { action, cluster } = ctx;
  const checked =
    action.name === 'CLUSTER_SCALE_IN' ||
    action.name === 'CLUSTER_DEL_NODES' ||
    // Only a user's delete of a member is size-checked; one a cluster action derived is not.
    (action.name === 'NODE_DELETE' && action.cause === 'RPC Request');
  if (!checked || leaving === 0) return false;
  const desired = cluster.members.length - leaving;
  return (
    checkSizeParams({ cluster, desired, strict: true, maxNodesPerCluster: ctx.limits.maxNodesPerCluster }) !== null
  );
}

export interface GrowPlan {
  /** Nodes to add to the pool, in order. */
  readonly additions: readonly PolicyNode[];
  /**
   * Old members of nodes a RECREATE recovery replaced: removed first (failures ignored, as the
   * server they pointed at is gone), then the node is added again.
   */
  readonly stale: readonly Removal[];
  /** Nodes whose `data.recovery` marker this policy has consumed and clears (SL pops it). */
  readonly clearRecovery: readonly string[];
}

const noGrowth: GrowPlan = { additions: [], stale: [], clearRecovery: [] };

/**
 * The members a growing action adds once it has run (SL _get_post_candidates, post_op,
 * _process_recovery). NODE_CREATE and NODE_RECOVER: the target node, when the action succeeded.
 * REPLACE_NODES: the replacements (values of `inputs.candidates`). Other cluster actions: the
 * engine's `outputs.nodes_added`, else `data.creation.nodes`. Only nodes that are members now,
 * ACTIVE, with a server and not in the pool yet are added. Unlike Senlin, the nodes a partly
 * failed cluster action did add are registered too: they serve as members from now on.
 *
 * NODE_RECOVER: a node without a member is added; a node whose server a RECREATE replaced
 * (`data.recovery` = RECREATE, written by the engine) loses its stale member and is added anew;
 * any other recovery leaves the pool alone.
 */
export function planGrow(ctx: Ctx): GrowPlan {
  const { action, cluster } = ctx;
  const outcome = action.outcome ?? { status: 'SUCCEEDED', outputs: {} };
  const byId = new Map(cluster.members.map((m) => [m.id, m]));
  const ready = (n: PolicyNode | undefined): n is PolicyNode => !!n && n.status === 'ACTIVE' && !!n.physicalId;

  if (action.name === 'NODE_RECOVER') {
    const node = ctx.node ?? byId.get(action.target);
    if (outcome.status !== 'SUCCEEDED' || !node || !byId.has(node.id)) return noGrowth;
    const recreated = node.data.recovery === 'RECREATE';
    const clearRecovery = node.data.recovery !== undefined ? [node.id] : [];
    const member = lbMember(node);
    if (!ready(node) || (member && !recreated)) return { ...noGrowth, clearRecovery };
    return { additions: [node], stale: member ? [{ node, member }] : [], clearRecovery };
  }

  let ids: string[];
  if (action.name === 'NODE_CREATE') {
    if (outcome.status !== 'SUCCEEDED') return noGrowth;
    ids = [action.target];
  } else if (action.name === 'CLUSTER_REPLACE_NODES') {
    ids = isMap(action.inputs.candidates) ? (strings(Object.values(action.inputs.candidates)) ?? []) : [];
  } else {
    const creation = isMap(action.data.creation) ? action.data.creation : {};
    ids = strings(outcome.outputs.nodes_added) ?? strings(creation.nodes) ?? [];
  }
  const additions = [...new Set(ids)]
    .map((id) => byId.get(id))
    .filter(ready)
    .filter((n) => !lbMember(n));
  return { additions, stale: [], clearRecovery: [] };
}

/** One port call's end: the member it made or removed, or why it failed. */
export type MemberResult = { readonly node: PolicyNode; readonly member: string } & (
  { readonly ok: true } | { readonly ok: false; readonly error: string }
);

const REMOVE_FAILED = 'Failed in removing node from lb pool.';
const ADD_FAILED = 'Failed in adding node into lb pool.';

export interface MemberVerdict {
  /** The action data's `load_balancer` record of what happened, merged with an earlier one. */
  readonly record: Record<string, unknown>;
  readonly effects: PolicyEffects;
  /** Senlin's reason for failing the action, or null. */
  readonly failure: string | null;
}

/**
 * What member removals before a shrink mean (SL _remove_member): removed members leave their
 * node's data; a node whose member could not be removed turns WARNING and the action fails.
 */
export function removalVerdict(results: readonly MemberResult[], earlier: unknown): MemberVerdict {
  const done = results.filter((r) => r.ok);
  const failed = results.filter((r) => !r.ok);
  return {
    record: {
      ...(isMap(earlier) ? earlier : {}),
      members_removed: Object.fromEntries(done.map((r) => [r.node.id, r.member])),
    },
    effects: {
      nodeData: Object.fromEntries(done.map((r) => [r.node.id, { lb_member: null }])),
      nodeStatus: Object.fromEntries(failed.map((r) => [r.node.id, { status: 'WARNING', reason: REMOVE_FAILED }])),
    },
    failure: failed.length
      ? `Failed in removing deleted node(s) from lb pool: ${pyList(failed.map((r) => r.node.id))}`
      : null,
  };
}

/**
 * What member additions after a grow mean (SL _add_member): new members go into their node's
 * data; a node that could not be added turns WARNING and the action fails. `stale` are the old
 * members of recreated nodes, already removed; `clearRecovery` nodes lose their recovery marker.
 */
export function additionVerdict(
  results: readonly MemberResult[],
  plan: Pick<GrowPlan, 'stale' | 'clearRecovery'>,
  earlier: unknown,
): MemberVerdict {
  const nodeData: Record<string, Record<string, unknown>> = {};
  const put = (id: string, patch: Record<string, unknown>) => (nodeData[id] = { ...nodeData[id], ...patch });
  for (const id of plan.clearRecovery) put(id, { recovery: null });
  for (const s of plan.stale) put(s.node.id, { lb_member: null });
  for (const r of results) if (r.ok) put(r.node.id, { lb_member: r.member });
  const failed = results.filter((r) => !r.ok);
  const before = isMap(earlier) ? earlier : {};
  const removed = isMap(before.members_removed) ? before.members_removed : {};
  return {
    record: {
      ...before,
      ...(plan.stale.length
        ? { members_removed: { ...removed, ...Object.fromEntries(plan.stale.map((s) => [s.node.id, s.member])) } }
        : {}),
      members_added: Object.fromEntries(results.filter((r) => r.ok).map((r) => [r.node.id, r.member])),
    },
    effects: {
      nodeData,
      nodeStatus: Object.fromEntries(failed.map((r) => [r.node.id, { status: 'WARNING', reason: ADD_FAILED }])),
    },
    failure: failed.length ? `Failed in adding nodes into lb pool: ${pyList(failed.map((r) => r.node.id))}` : null,
  };
}

/**
 * The load balancer resources a binding records, or null when it records none (a binding made
 * before its attach finished). Senlin's shape: `{loadbalancer, listener?, pool, healthmonitor?,
 * preexisting?}`; `vip_address` lives in the cluster's data instead.
 */
export function lbResourcesOf(data: Readonly<Record<string, unknown>>): LbResources | null {
  const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
  const loadbalancer = str(data.loadbalancer);
  const pool = str(data.pool);
  if (!loadbalancer || !pool) return null;
  return {
    loadbalancer,
    pool,
    listener: str(data.listener),
    healthmonitor: str(data.healthmonitor),
    vip_address: null,
    preexisting: data.preexisting === true,
  };
}

/** The binding data for LB resources: Senlin's keys, without `vip_address` (Senlin pops it). */
export function bindingDataOf(res: LbResources): Record<string, unknown> {
  if (res.preexisting) {
    return {
      preexisting: true,
      loadbalancer: res.loadbalancer,
      pool: res.pool,
      ...(res.healthmonitor ? { healthmonitor: res.healthmonitor } : {}),
    };
  }
  return {
    loadbalancer: res.loadbalancer,
    listener: res.listener,
    pool: res.pool,
    ...(res.healthmonitor ? { healthmonitor: res.healthmonitor } : {}),
  };
}

/**
 * The cluster's `data.loadbalancers` with this policy's entry set to `{vip_address}`, or (vip
 * undefined) without it; null when nothing is left, so the key goes (SL attach / detach).
 */
export function clusterLoadBalancers(
  clusterData: Readonly<Record<string, unknown>>,
  policyId: string,
  vip: { vip_address: string | null } | undefined,
): Record<string, unknown> | null {
  const rest = { ...(isMap(clusterData.loadbalancers) ? clusterData.loadbalancers : {}) };
  delete rest[policyId];
  const next = vip ? { ...rest, [policyId]: vip } : rest;
  return Object.keys(next).length ? next : null;
}

/**
 * Members an attach puts into the pool: every member with a server (SL adds every node; one never
 * created has no address and would fail the whole attach; it joins when recovered).
 */
export const attachMembers = (members: readonly PolicyNode[]): PolicyNode[] => members.filter((m) => !!m.physicalId);
