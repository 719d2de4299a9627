import { CloudError, CloudResourceFailed, CloudTimeout, quoteBounded, SpecError } from '@grove/core';
import type { Stack } from '@grove/drivers';
import {
  ProfileError,
  type CheckResult,
  type CreateResult,
  type ProfileContext,
  type ProfileNode,
} from '../profile-type';
import { randomName } from '../random-name';
import type { HeatStackProps } from './heat-stack.properties';
import { createRequest, retag, stackDetails, stackTags, updateRequest, validateRequest } from './stack-request';

/** A stack operation may take the spec's `timeout` minutes; without one, the action's time is the limit. */
const capOf = (p: HeatStackProps): number | undefined => (p.timeout ? p.timeout * 60_000 : undefined);

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Heat's verdict on the template (Senlin previews a stack create; Heat's validate call says the same). */
export async function validateStackSpec(ctx: ProfileContext, props: HeatStackProps): Promise<void> {
  try {
    await ctx.cloud.orchestration.validateTemplate(validateRequest(props), ctx.signal);
  } catch (e) {
    // Heat refusing the template is a spec problem; Heat being unreachable is not.
    if (e instanceof CloudError && e.httpStatus !== undefined && e.httpStatus >= 400 && e.httpStatus < 500) {
      throw new SpecError('template', `Failed in validating template: ${quoteBounded(e.message, 300)}`);
    }
    throw e;
  }
}

/**
 * Creates the node's stack, `<node name>-<8 random characters>`, tagged with the node's ids, and
 * waits for CREATE_COMPLETE; the stack's id is recorded on the node as soon as Heat answers
 * (ProfileContext.recordCreated). A stack that fails is deleted again; the ProfileError names it
 * only when that delete failed too. A node that already points at a stack (an earlier attempt's,
 * recorded or found by its tags) waits for that stack instead of making another; one whose stack
 * is gone gets a new one.
 */
export async function createStack(
  ctx: ProfileContext,
  node: ProfileNode,
  props: HeatStackProps,
): Promise<CreateResult> {
  const heat = ctx.cloud.orchestration;
  let stackId = node.physicalId && (await stackExists(ctx, node.physicalId)) ? node.physicalId : null;
  let asked = false;
  try {
    if (!stackId) {
      asked = true;
      stackId = (await heat.createStack(createRequest(node, props, `${node.name}-${randomName(8)}`), ctx.signal)).id;
      await ctx.recordCreated?.({ physicalId: stackId });
    }
    const stack = await heat.waitForStack(stackId, ['CREATE_COMPLETE'], ctx.waitOptions(capOf(props)));
    return { physicalId: stack.id };
  } catch (e) {
    if (ctx.signal.aborted && !stackId && !asked) throw e;
    const reason = `Failed in creating stack: ${message(e)}`;
    // Heat's answer may have been lost although it made the stack: it is looked for by its tags.
    const made = stackId
      ? [stackId]
      : await findStacks({ ...ctx, signal: new AbortController().signal }, node).catch(() => []);
    let left: string | null = null;
    for (const id of made) left ??= await removeFailed(ctx, id);
    throw new ProfileError(reason, left);
  }
}

/** Heat still shows a deleted stack by id for a while; for a node it is gone. */
async function stackExists(ctx: ProfileContext, id: string): Promise<boolean> {
  const stack = await ctx.cloud.orchestration.getStack(id, ctx.signal);
  return !!stack && stack.status !== 'DELETE_COMPLETE';
}

/** Deletes a stack that failed to build; returns its id if it is still there. */
async function removeFailed(ctx: ProfileContext, stackId: string): Promise<string | null> {
  // Clean-up must happen even when the action was cancelled, so it does not use ctx.signal.
  const wait = { ...ctx.waitOptions(), signal: undefined };
  try {
    await ctx.cloud.orchestration.deleteStack(stackId);
    await ctx.cloud.orchestration.waitForStackGone(stackId, wait);
    return null;
  } catch (e) {
    ctx.log.warn({ stack: stackId, err: message(e) }, 'could not delete a stack that failed to build');
    return stackId;
  }
}

/** Stacks tagged with this node's id, whatever their state (crash recovery). */
export async function findStacks(ctx: ProfileContext, node: ProfileNode): Promise<string[]> {
  const [own] = stackTags({ id: node.id, clusterId: null, index: -1 });
  const stacks = await ctx.cloud.orchestration.listStacks({ tags: [own] }, ctx.signal);
  return stacks.filter((s) => s.tags.includes(own) && s.status !== 'DELETE_COMPLETE').map((s) => s.id);
}

export async function deleteStack(ctx: ProfileContext, node: ProfileNode, props: HeatStackProps): Promise<void> {
  const id = node.physicalId;
  if (!id) return;
  try {
    await ctx.cloud.orchestration.deleteStack(id, ctx.signal);
    await ctx.cloud.orchestration.waitForStackGone(id, ctx.waitOptions(capOf(props)));
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    throw new ProfileError(`Failed in deleting stack '${id}': ${message(e)}`, id);
  }
}

/** Patches what changed between the two specs and waits for UPDATE_COMPLETE. */
export async function updateStack(
  ctx: ProfileContext,
  node: ProfileNode,
  cur: HeatStackProps,
  next: HeatStackProps,
): Promise<{ data?: Record<string, unknown> }> {
  const id = node.physicalId;
  if (!id) throw new ProfileError('Failed in updating stack: the node has no stack.');
  const patch = updateRequest(cur, next);
  if (!Object.keys(patch).length) return {};
  try {
    await ctx.cloud.orchestration.updateStack(id, patch, ctx.signal);
    await ctx.cloud.orchestration.waitForStack(id, ['UPDATE_COMPLETE'], ctx.waitOptions(capOf(next)));
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    throw new ProfileError(`Failed in updating stack '${id}': ${message(e)}`, id);
  }
  return {};
}

/**
 * Asks Heat to check the stack's resources against the cloud. CHECK_FAILED (or Heat refusing to
 * check, e.g. a stack left FAILED) is unhealthy; a stack Heat no longer has is gone.
 */
export async function checkStack(ctx: ProfileContext, node: ProfileNode, props: HeatStackProps): Promise<CheckResult> {
  const id = node.physicalId;
  if (!id) return { state: 'gone', reason: 'The node has no stack.' };
  const heat = ctx.cloud.orchestration;
  const stack = await heat.getStack(id, ctx.signal);
  if (!stack || stack.status === 'DELETE_COMPLETE') return { state: 'gone', reason: `Stack ${id} could not be found.` };
  try {
    await heat.checkStack(id, ctx.signal);
    await heat.waitForStack(id, ['CHECK_COMPLETE'], ctx.waitOptions(capOf(props)));
    return { state: 'healthy' };
  } catch (e) {
    if (ctx.signal.aborted || e instanceof CloudTimeout) throw e;
    const refused = e instanceof CloudError && e.httpStatus !== undefined && e.httpStatus >= 400 && e.httpStatus < 500;
    if (e instanceof CloudResourceFailed || refused) {
      // Real Heat still shows a deleted stack by its id, as DELETE_COMPLETE.
      const now = await heat.getStack(id, ctx.signal);
      if (!now || now.status === 'DELETE_COMPLETE') return { state: 'gone', reason: `Stack ${id} could not be found.` };
      return { state: 'unhealthy', reason: `Failed in checking stack '${id}': ${message(e)}` };
    }
    throw e;
  }
}

export async function stackDetailsOf(ctx: ProfileContext, node: ProfileNode): Promise<Record<string, unknown>> {
  if (!node.physicalId) return {};
  const stack = await ctx.cloud.orchestration.getStack(node.physicalId, ctx.signal);
  // Heat still shows a deleted stack by id for a while; for the node it is gone.
  return stack && stack.status !== 'DELETE_COMPLETE' ? stackDetails(stack) : {};
}

/**
 * Rewrites the stack's tags for the node's new membership: a PATCH that changes only the tags
 * (Heat keeps the template and parameters), then waits for the update to settle so that the next
 * operation on the stack is not refused.
 */
export async function retagStack(ctx: ProfileContext, node: ProfileNode, props: HeatStackProps): Promise<void> {
  const id = node.physicalId;
  if (!id) return;
  const heat = ctx.cloud.orchestration;
  const stack: Stack | null = await heat.getStack(id, ctx.signal);
  if (!stack || stack.status === 'DELETE_COMPLETE')
    throw new ProfileError(`Failed in updating stack tags: stack ${id} could not be found.`);
  const tags = retag(stack.tags, node);
  if (tags.join(',') === stack.tags.join(',')) return;
  await heat.updateStack(id, { tags }, ctx.signal);
  await heat.waitForStack(id, ['UPDATE_COMPLETE'], ctx.waitOptions(capOf(props)));
}

/**
 * Heat forgets the stack but keeps every resource it made. Senlin advertises this operation
 * without doing anything; Grove does it. The node keeps its physical id, so a check then finds the
 * stack gone. Heat's abandon data is not logged: it carries the stack's parameters, passwords
 * included.
 */
export async function abandonStack(ctx: ProfileContext, node: ProfileNode): Promise<void> {
  const id = node.physicalId;
  if (!id) throw new ProfileError('Failed in abandoning stack: the node has no stack.');
  try {
    await ctx.cloud.orchestration.abandonStack(id, ctx.signal);
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    throw new ProfileError(`Failed in abandoning stack '${id}': ${message(e)}`, id);
  }
  ctx.log.info({ node: node.id, stack: id }, 'stack abandoned');
}
