import { CloudTimeout, sleep } from '@grove/core';

export interface WaitOptions {
  timeoutMs: number;
  /** First pause between polls; it doubles up to maxIntervalMs. */
  minIntervalMs: number;
  maxIntervalMs: number;
  signal?: AbortSignal;
}

/**
 * Polls `check` until it returns a value, with growing pauses. The first check happens at once,
 * because a fast cloud is often already done. Throws CloudTimeout with `what` in the message.
 */
export async function pollUntil<T>(what: string, check: () => Promise<T | undefined>, o: WaitOptions): Promise<T> {
  const deadline = Date.now() + o.timeoutMs;
  let pause = o.minIntervalMs;
  for (;;) {
    const done = await check();
    if (done !== undefined) return done;
    const left = deadline - Date.now();
    if (left <= 0) throw new CloudTimeout(`Timed out after ${Math.round(o.timeoutMs / 1000)} s waiting for ${what}`);
    await sleep(Math.min(pause, left), o.signal);
    pause = Math.min(pause * 2, o.maxIntervalMs);
  }
}
