import { seededRandom } from './seeded-random';

describe('seededRandom', () => {
  it('draws the same numbers for the same seed, and others for another', () => {
    const a = seededRandom('action-1');
    const b = seededRandom('action-1');
    const c = seededRandom('action-2');
    const draws = (r: () => number) => Array.from({ length: 5 }, r);
    const first = draws(a);
    expect(draws(b)).toEqual(first);
    expect(draws(c)).not.toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
