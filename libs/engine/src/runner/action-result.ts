import type { EntityManager } from 'typeorm';
import type { EventEntity } from '@grove/db';

/** What happens to the action's target when it ends, in the same transaction as the end itself. */
export type Effects = (em: EntityManager) => Promise<EventEntity[] | void>;

/**
 * How a handler's run ended (SL RES_OK/ERROR/RETRY/CANCEL/TIMEOUT). `reason` is what users read
 * in `status_reason`. A thrown error is a bug: the runner fails the action and logs the stack.
 */
export type ActionResult =
  | {
      kind: 'done';
      status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
      reason: string;
      outputs?: Record<string, unknown>;
      /** Keys merged into the action's data at its end (what the AFTER policies decided). */
      data?: Record<string, unknown>;
      /** Writes that belong with the end: node and cluster status, their events. */
      effects?: Effects;
    }
  /** Children were spawned and the action is parked until they end. */
  | { kind: 'waiting' }
  /** Could not start (a busy lock): back to READY for another try. */
  | { kind: 'retry'; reason: string };

export const ActionResult = {
  ok: (reason: string, o: { outputs?: Record<string, unknown>; effects?: Effects } = {}): ActionResult => ({
    kind: 'done',
    status: 'SUCCEEDED',
    reason,
    ...o,
  }),
  error: (reason: string, o: { outputs?: Record<string, unknown>; effects?: Effects } = {}): ActionResult => ({
    kind: 'done',
    status: 'FAILED',
    reason,
    ...o,
  }),
  cancelled: (reason: string, o: { effects?: Effects } = {}): ActionResult => ({
    kind: 'done',
    status: 'CANCELLED',
    reason,
    ...o,
  }),
  waiting: (): ActionResult => ({ kind: 'waiting' }),
  retry: (reason: string): ActionResult => ({ kind: 'retry', reason }),
};
