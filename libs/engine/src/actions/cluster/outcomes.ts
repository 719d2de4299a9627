import { shortId } from '@grove/core';
import type { ActionEntity } from '@grove/db';
import type { ActionContext } from '../../runner/action-context';
import { ActionResult, type Effects } from '../../runner/action-result';

/** Children that did not succeed, with their reasons, for the parent's status_reason. */
export const childrenFailed = (children: readonly ActionEntity[]): ActionEntity[] =>
  children.filter((c) => c.status !== 'SUCCEEDED');

/** A short list of why children failed: `node_create_1a2b3c4d: Quota exceeded; …`. */
export function describeFailures(children: readonly ActionEntity[], max = 3): string {
  const failed = childrenFailed(children);
  const shown = failed.slice(0, max).map((c) => `${c.name}: ${c.statusReason || c.status}`);
  return failed.length > max ? `${shown.join('; ')}; and ${failed.length - max} more` : shown.join('; ');
}

/** The reason a parent ends with when it was woken by a cancel or its deadline (Senlin's wording). */
export function interruptedReason(ctx: ActionContext): string | null {
  if (ctx.interrupt === 'cancel') return `${ctx.action.action} [${shortId(ctx.action.id)}] cancelled`;
  if (ctx.interrupt === 'timeout') return `${ctx.action.action} [${shortId(ctx.action.id)}] timeout`;
  return null;
}

/**
 * The end of a cluster action: CANCELLED when the user cancelled it, FAILED with `failure` (or the
 * timeout) when something went wrong, SUCCEEDED with `ok` otherwise. Effects and outputs go with
 * any of them, because the cluster's status must be evaluated whatever happened.
 */
export function conclude(
  ctx: ActionContext,
  o: { ok: string; failure: string | null; outputs?: Record<string, unknown>; effects?: Effects },
): ActionResult {
  const interrupted = interruptedReason(ctx);
  if (ctx.interrupt === 'cancel') return ActionResult.cancelled(interrupted!, { effects: o.effects });
  const failure = interrupted ?? o.failure;
  const rest = { outputs: o.outputs, effects: o.effects };
  return failure ? ActionResult.error(failure, rest) : ActionResult.ok(o.ok, rest);
}
