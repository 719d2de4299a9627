import { retryAfterMs } from './json-http';

describe('retryAfterMs', () => {
  const now = Date.parse('2026-12-02T12:00:00Z');

  it('reads seconds and HTTP dates, capped at 30 s', () => {
    expect(retryAfterMs('2', now)).toBe(2000);
    expect(retryAfterMs(['3'], now)).toBe(3000);
    expect(retryAfterMs('Wed, 02 Dec 2026 12:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('3600', now)).toBe(30_000);
  });

  it('ignores what it cannot read, and a date in the past is no wait', () => {
    expect(retryAfterMs(undefined, now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs('Wed, 02 Dec 2026 11:00:00 GMT', now)).toBe(0);
  });
});
