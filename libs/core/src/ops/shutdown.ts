import type { Logger } from '../logging';

/**
 * Runs `steps` in order once, on SIGTERM or SIGINT, then exits. Each step is bounded by the
 * overall deadline so that a stuck dependency cannot keep a stopping process alive.
 */
export function onShutdown(log: Logger, steps: (() => Promise<unknown>)[], deadlineMs = 30_000): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
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
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
