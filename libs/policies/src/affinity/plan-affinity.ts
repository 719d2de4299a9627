import type { PolicyContext } from '../policy-type';
import type { HypervisorHost } from '../ports';
import { resizeChange } from '../resize-change';
import type { AffinityProps, ServerGroupPolicy } from './affinity.properties';

/** The affinity policy's decisions: which server group to use, and where new nodes go. */

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The server group's policy (Senlin's `policies`, one value despite the name). */
export const groupPolicy = (props: AffinityProps): ServerGroupPolicy => props.servergroup?.policies ?? 'anti-affinity';

/**
 * The name of the server group to look for: the policy's, else the group the cluster's profile
 * already boots into (`scheduler_hints.group`); null when neither names one (SL attach).
 */
export function serverGroupName(
  props: AffinityProps,
  profileProperties: Readonly<Record<string, unknown>>,
): string | null {
  if (props.servergroup?.name) return props.servergroup.name;
  const hints = profileProperties.scheduler_hints;
  return isMap(hints) && typeof hints.group === 'string' && hints.group ? hints.group : null;
}

/** Why an existing group cannot be reused: its policy is not the one asked for (Senlin's words). */
export const policyMismatch = (wanted: ServerGroupPolicy, existing: string): string | null =>
  wanted === existing
    ? null
    : `Policies specified (${wanted}) doesn't match that of the existing servergroup (${existing}).`;

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ALNUM = `${LETTERS}0123456789`;

/** A group name when none is given: `server_group_` and 8 characters, a letter first (SL random_name). */
export function randomGroupName(random: () => number): string {
  const pick = (chars: string) => chars[Math.floor(random() * chars.length)];
  return `server_group_${pick(LETTERS)}${Array.from({ length: 7 }, () => pick(ALNUM)).join('')}`;
}

const nonNegative = (v: unknown): number | null => {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : null;
};

/**
 * How many nodes the action creates (SL AffinityPolicy.pre_op): an earlier policy's
 * `data.creation.count` (default 1), else SCALE_OUT's `count` (default 1), NODE_CREATE's one, or
 * a resize worked out against the members. Null when the action creates nothing this policy can
 * place: a shrinking resize, or one that cannot be worked out or an invalid count (the action
 * refuses those itself).
 */
export function creationCount(ctx: Pick<PolicyContext<unknown>, 'action' | 'cluster' | 'limits'>): number | null {
  const { action } = ctx;
  if (isMap(action.data.creation)) return nonNegative(action.data.creation.count ?? 1);
  if (action.name === 'CLUSTER_SCALE_OUT') return nonNegative(action.inputs.count ?? 1);
  if (action.name === 'NODE_CREATE') return 1;
  if (action.name !== 'CLUSTER_RESIZE') return null;
  const change = resizeChange(ctx.cluster, action.inputs, ctx.limits.maxNodesPerCluster);
  return 'error' in change || change.delta < 0 ? null : change.delta;
}

export interface Placement {
  readonly servergroup?: string;
  readonly zone?: string;
  readonly [key: string]: unknown;
}

/**
 * `data.placement` for `count` new nodes: each goes into the server group, and into `zone` when
 * the policy names one. Another policy's earlier placement of the same node is kept, except for
 * the keys this policy sets (Senlin replaces the whole decision).
 */
export function placementData(
  count: number,
  servergroup: string,
  zone: string | null,
  earlier: unknown,
): { count: number; placements: Placement[] } {
  const before = isMap(earlier) && Array.isArray(earlier.placements) ? (earlier.placements as unknown[]) : [];
  const placements = Array.from({ length: count }, (_, i) => ({
    ...(isMap(before[i]) ? before[i] : {}),
    servergroup,
    ...(zone ? { zone } : {}),
  }));
  return { count, placements };
}

/**
 * The hypervisor of a vSphere DRS cluster: the first whose hostname matches Senlin's pattern
 * `.*drs*` (case-insensitive, anchored at the start, so in effect any name containing "dr").
 */
export const drsHypervisor = (hypervisors: readonly HypervisorHost[]): HypervisorHost | null =>
  hypervisors.find((h) => /dr/i.test(h.hostname)) ?? null;

/** The zone new nodes boot in: the policy's zone, and with DRS `<zone or nova>:<host>`. */
export function placementZone(props: AffinityProps, drsHost: string | null): string | null {
  if (props.enable_drs_extension) return `${props.availability_zone || 'nova'}:${drsHost}`;
  return props.availability_zone || null;
}
