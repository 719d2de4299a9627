import { member } from '../test-support';
import { victimsByBucket } from './victims-by-bucket';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
const inRegion = (id: string, region: string, o: Parameters<typeof member>[0] = {}) =>
  member({
    id,
    createdAt: at(Number(id.slice(1))),
    data: { placement: { region_name: region, zone: `az-${region}` } },
    ...o,
  });

describe('victimsByBucket (SL _victims_by_regions / _victims_by_zones)', () => {
  const members = [
    inRegion('n1', 'R1'),
    inRegion('n2', 'R1'),
    inRegion('n3', 'R1', { status: 'ERROR' }),
    inRegion('n4', 'R2'),
    inRegion('n5', 'R2', { protected: true }),
    inRegion('n6', 'R3'),
    member({ id: 'n7', createdAt: at(7) }),
  ];

  it.each([
    ['oldest per region, regions in name order', { R2: 1, R1: 2 }, 'OLDEST_FIRST', ['n3', 'n1', 'n4']],
    ['youngest per region', { R1: 2, R3: 1 }, 'YOUNGEST_FIRST', ['n3', 'n2', 'n6']],
    ['a bucket gives no more than it holds, protected nodes kept', { R2: 5 }, 'OLDEST_FIRST', ['n4']],
    ['an unknown bucket gives nothing', { R9: 2 }, 'OLDEST_FIRST', []],
    ['counts that are not whole positive numbers give nothing', { R1: 0, R2: -1, R3: 1.5 }, 'OLDEST_FIRST', []],
  ] as const)('%s', (_name, plan, criteria, expected) => {
    expect(victimsByBucket(members, plan, 'region_name', criteria, () => 0)).toEqual(expected);
  });

  it('buckets by zone the same way', () => {
    expect(victimsByBucket(members, { 'az-R1': 1, 'az-R3': 1 }, 'zone', 'YOUNGEST_FIRST', () => 0)).toEqual([
      'n3',
      'n6',
    ]);
  });

  it('never picks a node placed nowhere', () => {
    expect(victimsByBucket(members, { R1: 9, R2: 9, R3: 9 }, 'region_name', 'RANDOM', () => 0.7)).not.toContain('n7');
  });
});
