import { LRUCache } from 'lru-cache';

/**
 * Remembers what names and ids resolve to (a flavor, an image, a network) for a minute. Creating
 * a 1000-node cluster looks up the same flavor a thousand times; with this it is asked once, and
 * concurrent lookups of one key share a single request. "Not found" is never remembered, so a
 * resource created a moment ago is seen at once.
 */
export class LookupCache {
  private readonly cache: LRUCache<string, object, () => Promise<object | null>>;

  constructor(ttlMs = 60_000, max = 2000) {
    this.cache = new LRUCache<string, object, () => Promise<object | null>>({
      max,
      ttl: ttlMs,
      fetchMethod: async (_key, _stale, { context }) => (await context()) ?? undefined,
    });
  }

  async get<T extends object>(kind: string, key: string, load: () => Promise<T | null>): Promise<T | null> {
    const found = await this.cache.fetch(`${kind}:${key}`, { context: load as () => Promise<object | null> });
    return (found as T | undefined) ?? null;
  }
}
