import { Ipv4Pool, parseCidr, parseIpv4 } from './ip-pool';

describe('Ipv4Pool', () => {
  it('hands out host addresses in order, skipping the network address and the gateway', () => {
    const pool = new Ipv4Pool('10.0.0.0/29', '10.0.0.1');
    expect([pool.allocate(), pool.allocate()]).toEqual(['10.0.0.2', '10.0.0.3']);
    expect(pool.range).toEqual({ start: '10.0.0.2', end: '10.0.0.6' });
    expect(pool.size).toBe(5);
  });

  it('runs dry, then reuses released addresses after the rest of the block', () => {
    const pool = new Ipv4Pool('10.0.0.0/29', '10.0.0.1');
    const all = Array.from({ length: 5 }, () => pool.allocate());
    expect(all).toEqual(['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6']);
    expect(pool.allocate()).toBeNull();
    pool.release('10.0.0.4');
    expect(pool.allocate()).toBe('10.0.0.4');
  });

  it('takes a named address once, and never one outside the pool', () => {
    const pool = new Ipv4Pool('127.10.0.0/16', '127.10.0.1');
    expect(pool.take('127.10.200.7')).toBe(true);
    expect(pool.take('127.10.200.7')).toBe(false);
    expect(pool.isUsed('127.10.200.7')).toBe(true);
    expect(pool.take('127.10.0.1')).toBe(false);
    expect(pool.take('127.10.255.255')).toBe(false);
    expect(pool.take('10.0.0.1')).toBe(false);
    expect(pool.contains('127.10.3.4')).toBe(true);
  });

  it('skips addresses taken by name when allocating', () => {
    const pool = new Ipv4Pool('10.0.0.0/29', null);
    pool.take('10.0.0.1');
    pool.take('10.0.0.2');
    expect(pool.allocate()).toBe('10.0.0.3');
  });
});

describe('parsing', () => {
  it('reads dotted quads and CIDRs with zero host bits only', () => {
    expect(parseIpv4('127.10.0.5')).toBe(0x7f0a0005);
    expect(parseIpv4('256.1.1.1')).toBeNull();
    expect(parseIpv4('1.2.3')).toBeNull();
    expect(parseCidr('127.10.0.0/16')).toEqual({
      network: 0x7f0a0000,
      prefix: 16,
      first: 0x7f0a0000,
      last: 0x7f0affff,
    });
    expect(parseCidr('127.10.0.1/16')).toBeNull();
    expect(parseCidr('10.0.0.0/33')).toBeNull();
  });
});
