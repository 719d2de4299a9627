import { errorMessage, QUOTE_MAX, retryAfterMs } from './json-http';

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

describe('errorMessage', () => {
  it('reads each dialect’s message', () => {
    expect(errorMessage({ badRequest: { message: 'Invalid flavorRef', code: 400 } })).toBe('Invalid flavorRef');
    expect(errorMessage({ message: 'No such container: x' })).toBe('No such container: x');
    expect(errorMessage({ faultstring: 'Pool not found' })).toBe('Pool not found');
    expect(errorMessage(null, '')).toBe('no message');
  });

  it('quotes a cloud’s words cleaned and cut: no markup, control characters or forged lines', () => {
    const page =
      '<html><head><style>b{}</style><script>alert(1)</script></head><body><h1>502 Bad Gateway</h1></body></html>';
    expect(errorMessage(null, page)).toBe('502 Bad Gateway');
    expect(errorMessage({ message: 'bad\r\nlevel=INFO forged\u001b[31m red' })).toBe('bad level=INFO forged [31m red');
    const long = errorMessage({ message: 'x'.repeat(100_000) });
    expect(long).toHaveLength(QUOTE_MAX);
    expect(long.endsWith('…')).toBe(true);
  });
});
