import { CloudError, InvalidSpec, quoteBounded, ServiceUnavailable, SpecError } from '@grove/core';

/** Cloud answers that mean "this request is malformed", not "the cloud is away". */
const REFUSED_INPUT = new Set([400, 414, 431]);

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
    // The cloud refused the request a spec's value made (a name too long for a URL): the spec's fault.
    if (e instanceof CloudError && REFUSED_INPUT.has(e.httpStatus ?? 0)) {
      throw new InvalidSpec(`The ${what} spec has a value the cloud refuses: ${quoteBounded(e.message, 300)}`);
    }
    if (e instanceof CloudError || signal.aborted) {
      // A cloud error may quote the request URL, and with it whatever the spec holds: bound it.
      throw new ServiceUnavailable(
        `The cloud could not be reached to validate the ${what}: ${quoteBounded((e as Error).message, 300)}`,
      );
    }
    throw e;
  }
}
