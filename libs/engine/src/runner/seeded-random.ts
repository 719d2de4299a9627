import { createHash } from 'node:crypto';

/**
 * A uniform source in [0, 1) seeded by `seed` (mulberry32): an action retried after a crash draws
 * the same numbers, so a RANDOM deletion policy picks the same victims again.
 */
export function seededRandom(seed: string): () => number {
  let state = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
