import { CloudError, InvalidSpec, ServiceUnavailable, SpecError } from '@grove/core';

/**
 * Runs a spec's check against the cloud with a time bound. A spec problem is InvalidSpec (400); a
 * cloud that cannot be reached (or answer in time) is ServiceUnavailable (503), never a 500.
 */
export async function checkAgainstCloud(
  what: 'profile' | 'policy',
  timeoutMs: number,
  check: (signal: AbortSignal) => Promise<unknown>,
): Promise<void> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    await check(signal);
  } catch (e) {
    if (e instanceof SpecError) throw new InvalidSpec(e.reason);
    if (e instanceof CloudError || signal.aborted) {
      throw new ServiceUnavailable(`The cloud could not be reached to validate the ${what}: ${(e as Error).message}`);
    }
    throw e;
  }
}
