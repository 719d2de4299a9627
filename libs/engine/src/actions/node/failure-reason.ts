import type { ActionContext } from '../../runner/action-context';
import { ActionResult, type Effects } from '../../runner/action-result';
import { ActionCancelled } from '../../runner/action-runner';

/** What users read when a node action failed: why, in one line, with the cancel or timeout named. */
export function failureReason(e: unknown, ctx: Pick<ActionContext, 'signal'>): string {
  if (ctx.signal.aborted && ctx.signal.reason instanceof Error) return ctx.signal.reason.message;
  return e instanceof Error ? e.message : String(e);
}

/**
 * How a node action whose cloud work broke off ends: CANCELLED when the user cancelled it (the
 * abort is why it broke off), else FAILED. The node's status goes with it in `effects` either way.
 */
export function brokeOff(ctx: Pick<ActionContext, 'signal'>, reason: string, effects?: Effects): ActionResult {
  return ctx.signal.reason instanceof ActionCancelled
    ? ActionResult.cancelled(reason, { effects })
    : ActionResult.error(reason, { effects });
}
