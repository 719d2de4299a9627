import { HTTPUnauthorized } from '@grove/core';
import { checkSignature, signature } from './webhook-signature';

const SECRET = 'sixteen-chars-at-least';
const NOW = 1_700_000_000_000;
const body = Buffer.from('{"count": 2}');

describe('checkSignature', () => {
  const ts = String(NOW / 1000);

  it('accepts the HMAC of "<timestamp>.<body>" and gives its hex for replay detection', () => {
    const sig = signature(SECRET, ts, body);
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(checkSignature(SECRET, { timestamp: ts, signature: sig, body }, 300, NOW)).toBe(sig.slice(7));
    expect(
      checkSignature(
        SECRET,
        { timestamp: ts, signature: sig.toUpperCase().replace('SHA256', 'sha256'), body },
        300,
        NOW,
      ),
    ).toBe(sig.slice(7));
  });

  it.each([
    ['no timestamp', { signature: 'sha256=00' }],
    ['no signature', { timestamp: '1700000000' }],
    ['a timestamp that is no number', { timestamp: 'soon', signature: 'sha256=00' }],
    [
      'a timestamp too old',
      { timestamp: String(NOW / 1000 - 301), signature: signature(SECRET, String(NOW / 1000 - 301), body) },
    ],
    ['a signature of another body', { timestamp: ts, signature: signature(SECRET, ts, 'other') }],
    ['a signature with another secret', { timestamp: ts, signature: signature('another-secret-entirely', ts, body) }],
    ['a short signature', { timestamp: ts, signature: 'sha256=abcd' }],
  ])('refuses %s with 401', (_what, given) => {
    expect(() => checkSignature(SECRET, { body, ...given }, 300, NOW)).toThrow(HTTPUnauthorized);
  });
});
