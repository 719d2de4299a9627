import type { Stack, StackSources } from '@grove/drivers';
import { ProfileError, type AdoptCapability, type ProfileContext } from '../profile-type';
import type { HeatStackProps } from './heat-stack.properties';
import { retagStack } from './stack-lifecycle';

/**
 * The spec properties Senlin builds from a stack: its template, environment and files as Heat
 * keeps them, its parameters without Heat's own `OS::` ones, its timeout and rollback setting.
 * A stack without a timeout gets none, rather than Senlin's null.
 */
export function stackSpec(stack: Stack, sources: StackSources): Record<string, unknown> {
  const spec: Record<string, unknown> = {
    environment: sources.environment,
    files: sources.files,
    template: sources.template,
    parameters: Object.fromEntries(Object.entries(stack.parameters).filter(([k]) => !k.includes('OS::'))),
    disable_rollback: stack.raw.disable_rollback !== false,
  };
  const timeout = stack.raw.timeout_mins;
  if (typeof timeout === 'number') spec.timeout = timeout;
  return spec;
}

/** The node a stack is tagged with (`cluster_node_id=<id>`), if any. */
const taggedNode = (stack: Stack): string | null =>
  stack.tags.find((t) => t.startsWith('cluster_node_id='))?.slice('cluster_node_id='.length) ?? null;

/** Heat finds a stack by name or id; the node keeps the id. */
async function readStack(ctx: ProfileContext, identity: string) {
  const heat = ctx.cloud.orchestration;
  const notFound = new ProfileError(`404: The Stack (${identity}) could not be found.`);
  const stack = await heat.getStack(identity, ctx.signal);
  // Heat still shows a deleted stack by id for a while.
  if (!stack || stack.status === 'DELETE_COMPLETE') throw notFound;
  const sources = await heat.getStackSources(stack.id, ctx.signal);
  if (!sources) throw notFound;
  return { physicalId: stack.id, properties: stackSpec(stack, sources), taggedNode: taggedNode(stack) };
}

export const adoptStack: AdoptCapability<HeatStackProps> = {
  read: (ctx, req) => readStack(ctx, req.identity),
  // The orphan node's tags, membership tags of an earlier cluster dropped; the user's stay.
  tag: (ctx, node, props) => retagStack(ctx, node, props),
};
