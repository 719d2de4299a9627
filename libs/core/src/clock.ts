/** Times on the wire: `YYYY-MM-DDTHH:MM:SSZ` for every object (API.md §2 asks for the Z form everywhere). */
export const wireTime = (d: Date | null | undefined): string | null =>
  d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : null;

/** Action start/end times are float epoch seconds on the wire. */
export const epochSeconds = (d: Date | null | undefined): number | null => (d ? d.getTime() / 1000 : null);

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * The longest action timeout, in seconds (about 24.8 days): Node's timers hold at most 2^31-1 ms
 * and fire at once beyond that, so a longer timeout would end every action at its start.
 */
export const MAX_ACTION_TIMEOUT_S = Math.floor(0x7fffffff / 1000);

/**
 * `p`, or the abort of `signal` if that comes first: how one caller stops waiting on work that it
 * shares with others (a token request), without cancelling it for them.
 */
export function untilAborted<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
