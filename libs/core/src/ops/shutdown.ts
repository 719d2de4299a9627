import type { Logger } from '../logging';

/**
 * Runs `steps` in order once, on SIGTERM, SIGINT or SIGHUP (a closed terminal), then exits. Each
 * step is bounded by the overall deadline so that a stuck dependency cannot keep a stopping process
 * alive; a second signal (Ctrl-C again) exits at once, still through process.exit so that 'exit'
 * hooks (the embedded Postgres's) run.
 */
export function onShutdown(log: Logger, steps: (() => Promise<unknown>)[], deadlineMs = 30_000): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'asked again: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'stopping');
    const timer = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, deadlineMs);
    timer.unref();
    for (const step of steps) {
      try {
        await step();
      } catch (e) {
        log.warn({ err: e }, 'a shutdown step failed');
      }
    }
    log.info('stopped');
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => void stop(signal));
}
