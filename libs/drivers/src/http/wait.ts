import { CloudTimeout, CloudUnavailable, sleep } from '@grove/core';

export interface WaitOptions {
  timeoutMs: number;
  /** First pause between polls; it doubles up to maxIntervalMs. */
  minIntervalMs: number;
  maxIntervalMs: number;
  signal?: AbortSignal;
}

/**
 * Polls `check` until it returns a value, with growing pauses. The first check happens at once,
 * because a fast cloud is often already done. A check the cloud failed to answer (CloudUnavailable,
 * after the request's own retries) counts as not done yet: a flaky read does not end a long wait.
 * Throws CloudTimeout with `what` in the message, and the last such failure if there was one.
 */
export async function pollUntil<T>(what: string, check: () => Promise<T | undefined>, o: WaitOptions): Promise<T> {
  const deadline = Date.now() + o.timeoutMs;
  let pause = o.minIntervalMs;
  let unanswered: CloudUnavailable | undefined;
  for (;;) {
    let done: T | undefined;
    try {
      done = await check();
      unanswered = undefined;
    } catch (e) {
      if (!(e instanceof CloudUnavailable)) throw e;
      unanswered = e;
    }
    if (done !== undefined) return done;
    const left = deadline - Date.now();
    if (left <= 0) {
      const last = unanswered ? ` (last read failed: ${unanswered.message})` : '';
      throw new CloudTimeout(`Timed out after ${Math.round(o.timeoutMs / 1000)} s waiting for ${what}${last}`);
    }
    await sleep(Math.min(pause, left), o.signal);
    pause = Math.min(pause * 2, o.maxIntervalMs);
  }
}
