import { isDeepStrictEqual } from 'node:util';
import type { Stack, StackCreate, StackUpdate } from '@grove/drivers';
import { nodeTags, type ProfileNode } from '../profile-type';
import type { HeatStackProps } from './heat-stack.properties';

/** The tag keys Grove owns on a stack; every other tag belongs to the user and is kept. */
const OWN_TAG_KEYS = ['cluster_id', 'cluster_node_id', 'cluster_node_index'];

/** The node's tags as Heat stores them: `key=value` strings. */
export const stackTags = (node: Pick<ProfileNode, 'id' | 'clusterId' | 'index'>): string[] =>
  Object.entries(nodeTags(node)).map(([k, v]) => `${k}=${v}`);

/**
 * The tags a stack should carry once the node has joined or left a cluster: the user's own tags
 * as they are, then the node's. Unlike Senlin, a node that leaves keeps `cluster_node_id`, so its
 * stack can still be traced to it.
 */
export function retag(current: readonly string[], node: Pick<ProfileNode, 'id' | 'clusterId' | 'index'>): string[] {
  const own = (t: string) => OWN_TAG_KEYS.some((k) => t.startsWith(`${k}=`));
  const kept = current.map((t) => t.trim()).filter((t) => t !== '' && !own(t));
  return [...kept, ...stackTags(node)];
}

/** The template source of a spec: the inline template when given, else the URL. */
const source = (p: Pick<HeatStackProps, 'template' | 'template_url'>): Pick<StackCreate, 'template' | 'templateUrl'> =>
  Object.keys(p.template).length ? { template: p.template } : { templateUrl: p.template_url };

/** What Heat validates: the template with the files and environment it may need. */
export const validateRequest = (p: HeatStackProps) => ({ ...source(p), files: p.files, environment: p.environment });

export function createRequest(node: ProfileNode, p: HeatStackProps, name: string): StackCreate {
  const req: StackCreate = {
    name,
    ...source(p),
    parameters: p.parameters,
    files: p.files,
    environment: p.environment,
    disableRollback: p.disable_rollback,
    tags: stackTags(node),
  };
  if (p.timeout !== undefined) req.timeoutMins = p.timeout;
  return req;
}

/**
 * The PATCH that turns a stack made from `cur` into one made from `next`: only what changed.
 * Heat keeps parameters a PATCH does not name, so parameters dropped from the spec are cleared.
 */
export function updateRequest(cur: HeatStackProps, next: HeatStackProps): StackUpdate {
  const patch: StackUpdate = {};
  const was = source(cur);
  const now = source(next);
  if (!isDeepStrictEqual(was, now)) Object.assign(patch, now);
  if (!isDeepStrictEqual(cur.parameters, next.parameters)) {
    patch.parameters = next.parameters;
    const dropped = Object.keys(cur.parameters).filter((k) => !(k in next.parameters));
    if (dropped.length) patch.clearParameters = dropped;
  }
  if (!isDeepStrictEqual(cur.files, next.files)) patch.files = next.files;
  if (!isDeepStrictEqual(cur.environment, next.environment)) patch.environment = next.environment;
  if (next.timeout !== undefined && next.timeout !== cur.timeout) patch.timeoutMins = next.timeout;
  if (next.disable_rollback !== cur.disable_rollback) patch.disableRollback = next.disable_rollback;
  return patch;
}

/** Heat's field names and the names `show_details` gives them (openstacksdk's, which Senlin returns). */
const DETAIL_FIELDS: Record<string, string> = {
  id: 'id',
  stack_name: 'name',
  description: 'description',
  stack_status: 'status',
  stack_status_reason: 'status_reason',
  creation_time: 'created_at',
  updated_time: 'updated_at',
  deletion_time: 'deleted_at',
  disable_rollback: 'is_rollback_disabled',
  timeout_mins: 'timeout_mins',
  parameters: 'parameters',
  outputs: 'outputs',
  tags: 'tags',
  capabilities: 'capabilities',
  notification_topics: 'notification_topics',
  parent: 'parent_id',
  stack_owner: 'owner_id',
  stack_user_project_id: 'user_project_id',
  template_description: 'template_description',
  links: 'links',
};

/** The stack as `show_details` shows it; outputs stay in Heat's list form. */
export function stackDetails(s: Stack): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [heat, shown] of Object.entries(DETAIL_FIELDS)) {
    if (heat in s.raw) out[shown] = s.raw[heat];
  }
  out.tags = s.tags;
  return out;
}
