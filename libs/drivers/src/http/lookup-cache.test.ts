import { LookupCache } from './lookup-cache';

describe('LookupCache', () => {
  it('asks once for concurrent lookups of one key, and remembers the answer', async () => {
    const cache = new LookupCache();
    let calls = 0;
    const load = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 10));
      return { id: '1' };
    };
    const got = await Promise.all(Array.from({ length: 50 }, () => cache.get('flavor', 'm1.tiny', load)));
    expect(got.every((g) => g?.id === '1')).toBe(true);
    await cache.get('flavor', 'm1.tiny', load);
    expect(calls).toBe(1);
  });

  it('never remembers that something was missing', async () => {
    const cache = new LookupCache();
    let exists = false;
    const load = async () => (exists ? { id: 'new' } : null);
    expect(await cache.get('image', 'fresh', load)).toBeNull();
    exists = true;
    expect(await cache.get('image', 'fresh', load)).toEqual({ id: 'new' });
  });

  it('forgets after its time to live', async () => {
    const cache = new LookupCache(20);
    let n = 0;
    const load = async () => ({ n: ++n });
    await cache.get('k', 'a', load);
    await new Promise((r) => setTimeout(r, 40));
    expect(await cache.get('k', 'a', load)).toEqual({ n: 2 });
  });
});
