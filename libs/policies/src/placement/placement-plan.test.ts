import { member } from '../test-support';
import { createPlan, distribution, expandPlan, type PlacementCandidate } from './placement-plan';

/** `'R1:100/50 R2:50'`: name, weight and optional cap, in spec order. */
const spec = (s: string): PlacementCandidate[] =>
  s
    .split(' ')
    .filter(Boolean)
    .map((item) => {
      const [name, rest] = item.split(':');
      const [weight, cap] = rest.split('/');
      return cap === undefined ? { name, weight: Number(weight) } : { name, weight: Number(weight), cap: Number(cap) };
    });

// The specs of Senlin's own placement tests.
const REGIONS = 'R1:100/50 R2:50/50 R3:30/-1 R4:20/-1';
const ZONES = 'AZ1:100 AZ2:80 AZ3:60 AZ4:40';
const R = (...n: number[]) => ({ R1: n[0], R2: n[1], R3: n[2], R4: n[3] });
const AZ = (...n: number[]) => ({ AZ1: n[0], AZ2: n[1], AZ3: n[2], AZ4: n[3] });

describe('createPlan (SL _create_plan)', () => {
  it.each([
    // Senlin's region cases.
    ['regions: grow 5', REGIONS, R(2, 2, 2, 1), 5, true, { R1: 4, R2: 1 }],
    ['regions: grow 5 with R3 empty', REGIONS, R(2, 2, 0, 1), 5, true, { R1: 3, R2: 1, R3: 1 }],
    ['regions: shrink 3, lightest first', REGIONS, R(2, 2, 0, 1), 3, false, { R2: 2, R4: 1 }],
    ['regions: shrink 3 from a crowded R1', REGIONS, R(4, 2, 1, 1), 3, false, { R2: 1, R3: 1, R4: 1 }],
    // Senlin's zone cases.
    [
      'zones: equal weights keep the spec order',
      'AZ1:100 AZ2:100 AZ3:100 AZ4:100',
      AZ(2, 2, 2, 1),
      5,
      true,
      { AZ1: 1, AZ2: 1, AZ3: 1, AZ4: 2 },
    ],
    ['zones: grow 7', ZONES, AZ(2, 2, 2, 1), 7, true, { AZ1: 3, AZ2: 2, AZ3: 1, AZ4: 1 }],
    ['zones: grow 6 past a full AZ2', ZONES, AZ(2, 4, 2, 2), 6, true, { AZ1: 4, AZ2: 1, AZ3: 1 }],
    ['zones: shrink 3 from the fullest', ZONES, AZ(4, 5, 1, 1), 3, false, { AZ2: 3 }],
    ['zones: shrink 4 from the lightest', ZONES, AZ(6, 2, 4, 6), 4, false, { AZ4: 4 }],
    // Rounding: shares of the new size, up when growing, down when shrinking.
    ['grow 1 into an empty pair', 'A:100 B:80', {}, 1, true, { A: 1 }],
    // Size 3: A's share 1.67 rounds up to 2, B's 1.33 to 2; A fills first.
    ['grow 3 into an empty pair', 'A:100 B:80', {}, 3, true, { A: 2, B: 1 }],
    // Size 1: both shares floor to 0, and the lighter B gives its 2 first.
    ['shrink 2 of 3, the lighter first', 'A:100 B:80', { A: 1, B: 2 }, 2, false, { B: 2 }],
    ['growing passes over a bucket past its share', 'A:1 B:1', { A: 4, B: 0 }, 1, true, { B: 1 }],
    // Caps: R1's share of 2 new nodes is 1.5, rounded up to 2; a cap of 1 sends the second to R2.
    ['without a cap', 'R1:300/-1 R2:100/-1', {}, 2, true, { R1: 2 }],
    ['with a cap', 'R1:300/1 R2:100/-1', {}, 2, true, { R1: 1, R2: 1 }],
    ['a cap of 0 takes nothing', 'R1:100/0 R2:100/-1', {}, 1, true, { R2: 1 }],
    // Quotas are shares of the new size, so caps can leave nodes with nowhere to go.
    ['caps that leave the shares short', 'R1:100/1 R2:1/-1', {}, 4, true, null],
    ['every cap full', 'R1:100/2', { R1: 2 }, 1, true, null],
    ['caps do not hold back a shrink', 'R1:100/1', { R1: 3 }, 2, false, { R1: 2 }],
    // Weights of 0 (where Senlin divides by zero when all are 0).
    ['a weight of 0 takes no new node', 'A:0 B:10', {}, 2, true, { B: 2 }],
    ['a weight of 0 is emptied first', 'A:0 B:10', { A: 1, B: 3 }, 2, false, { A: 1, B: 1 }],
    ['all weights 0: nothing can grow', 'A:0 B:0', {}, 1, true, null],
    ['all weights 0: shrink in spec order', 'A:0 B:0', { A: 1, B: 2 }, 2, false, { A: 1, B: 1 }],
    // Senlin's arithmetic asks more of a bucket than it holds when the shrink is larger than the cluster.
    ['a shrink larger than the cluster', 'A:100', { A: 3 }, 5, false, { A: 5 }],
    ['no candidates', '', {}, 1, true, null],
  ])('%s', (_name, candidates, current, count, expand, expected) => {
    expect(createPlan(current, spec(candidates), count, expand)).toEqual(expected);
  });

  it('ignores counts of buckets that are not candidates', () => {
    expect(createPlan({ AZ1: 0, gone: 7 }, spec('AZ1:100'), 2, true)).toEqual({ AZ1: 2 });
  });

  it('lists the plan in the spec order of its buckets, whatever the walk order', () => {
    expect(Object.keys(createPlan(AZ(2, 2, 2, 1), spec('AZ4:40 AZ1:100 AZ3:60 AZ2:80'), 7, true)!)).toEqual([
      'AZ4',
      'AZ1',
      'AZ3',
      'AZ2',
    ]);
  });
});

describe('expandPlan', () => {
  it('gives one bucket per node, in plan order', () => {
    expect(expandPlan({ R1: 2, R3: 1 })).toEqual(['R1', 'R1', 'R3']);
    expect(expandPlan({})).toEqual([]);
    expect(expandPlan({ R1: 0, R2: -1, R3: 1 })).toEqual(['R3']);
  });
});

describe('distribution', () => {
  it('counts members by their recorded placement, only in the named buckets', () => {
    const members = [
      member({ data: { placement: { zone: 'AZ1' } } }),
      member({ data: { placement: { zone: 'AZ1', region_name: 'R1' } } }),
      member({ data: { placement: { zone: 'AZ9' } } }),
      member({ data: { placement: {} } }),
      member({ data: { placement: 'AZ1' } }),
      member({ data: { placement: { zone: 'toString' } } }),
      member(),
    ];
    expect(distribution(members, 'zone', ['AZ1', 'AZ2'])).toEqual({ AZ1: 2, AZ2: 0 });
    expect(distribution(members, 'region_name', ['R1'])).toEqual({ R1: 1 });
  });
});
