import type { ActionName } from '@grove/core';
import { allowed, cluster, contextFor, member } from '../test-support';
import { deletionPolicy } from './deletion.policy';
import type { DeletionProps } from './deletion.properties';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
const props = (o: Partial<DeletionProps> = {}): DeletionProps => ({
  criteria: 'OLDEST_FIRST',
  destroy_after_deletion: true,
  grace_period: 0,
  reduce_desired_capacity: true,
  hooks: {},
  ...o,
});
const node = (id: string, minute: number, o: Parameters<typeof member>[0] = {}) =>
  member({ id, createdAt: at(minute), ...o });
const members = [
  node('a', 1, { data: { placement: { region_name: 'R1', zone: 'z1' } } }),
  node('b', 2, { data: { placement: { region_name: 'R2', zone: 'z1' } } }),
  node('c', 3, { data: { placement: { region_name: 'R1', zone: 'z2' } } }),
  node('d', 4, { protected: true, data: { placement: { region_name: 'R2', zone: 'z2' } } }),
  node('e', 5, { status: 'ERROR', data: { placement: { region_name: 'R2', zone: 'z2' } } }),
];
const web = cluster({ minSize: 1, maxSize: 10, members });
type Options = Omit<Parameters<typeof contextFor>[1], 'action'>;
const before = async (action: ActionName, o: Options & { props?: DeletionProps } = {}) =>
  deletionPolicy.before!(contextFor(o.props ?? props(), { cluster: web, ...o, action }));
const settings = { destroy_after_deletion: true, grace_period: 0, reduce_desired_capacity: true };

describe('senlin.policy.deletion BEFORE', () => {
  it('takes the nodes del_nodes names as they are, protected or not', async () => {
    expect(await before('CLUSTER_DEL_NODES', { inputs: { candidates: ['d', 'a'], count: 2 } })).toEqual({
      kind: 'allow',
      data: { deletion: { count: 2, candidates: ['d', 'a'], ...settings } },
    });
  });

  it('takes the target of a node delete', async () => {
    expect(await before('NODE_DELETE', { node: members[1] })).toEqual({
      kind: 'allow',
      data: { deletion: { count: 1, candidates: ['b'], ...settings } },
    });
  });

  it('chooses victims for a scaling decision: bad nodes first, protected never', async () => {
    const decision = await before('CLUSTER_SCALE_IN', { data: { deletion: { count: 3 } } });
    expect(decision).toEqual({
      kind: 'allow',
      data: { deletion: { count: 3, candidates: ['e', 'a', 'b'], ...settings } },
    });
  });

  it.each([
    ['the oldest', 'OLDEST_FIRST', ['e', 'a']],
    ['the youngest', 'YOUNGEST_FIRST', ['e', 'c']],
  ] as const)('takes %s healthy nodes after the bad ones', async (_name, criteria, candidates) => {
    const decision = await before('CLUSTER_SCALE_IN', { inputs: { count: 2 }, props: props({ criteria }) });
    expect(decision).toMatchObject({ data: { deletion: { count: 2, candidates } } });
  });

  it('removes one node on a scale-in without a count, and no more nodes than there are', async () => {
    expect(await before('CLUSTER_SCALE_IN')).toMatchObject({ data: { deletion: { count: 1, candidates: ['e'] } } });
    // Five members, one protected: four can go.
    expect(await before('CLUSTER_SCALE_IN', { inputs: { count: 9 } })).toMatchObject({
      data: { deletion: { count: 4, candidates: ['e', 'a', 'b', 'c'] } },
    });
  });

  it('leaves a scale-in with a bad count to its handler', async () => {
    expect(await before('CLUSTER_SCALE_IN', { inputs: { count: 'x' } })).toEqual({ kind: 'allow' });
  });

  it('works out a shrinking resize from the live members', async () => {
    const inputs = { adjustment_type: 'CHANGE_IN_CAPACITY', number: -2, strict: true };
    expect(await before('CLUSTER_RESIZE', { inputs })).toMatchObject({
      data: { deletion: { count: 2, candidates: ['e', 'a'] } },
    });
  });

  it('does nothing for a resize that grows or keeps the size', async () => {
    for (const number of [0, 3]) {
      const inputs = { adjustment_type: 'CHANGE_IN_CAPACITY', number, strict: true };
      expect(await before('CLUSTER_RESIZE', { inputs })).toEqual({ kind: 'allow' });
    }
  });

  it("vetoes a resize that cannot be done, in Senlin's words", async () => {
    const inputs = { adjustment_type: 'EXACT_CAPACITY', number: 0, strict: true };
    expect(await before('CLUSTER_RESIZE', { inputs })).toEqual({
      kind: 'veto',
      reason: "The target capacity (0) is less than the cluster's min_size (1).",
    });
  });

  it('chooses per region when a region plan exists, ahead of a zone plan, and keeps both', async () => {
    const deletion = { count: 2, regions: { R2: 1, R1: 1 }, zones: { z1: 2 } };
    expect(await before('CLUSTER_SCALE_IN', { data: { deletion } })).toEqual({
      kind: 'allow',
      data: { deletion: { ...deletion, count: 2, candidates: ['a', 'e'], ...settings } },
    });
  });

  it('chooses per zone when only a zone plan exists', async () => {
    const deletion = { count: 2, zones: { z1: 1, z2: 1 } };
    expect(await before('CLUSTER_RESIZE', { data: { deletion } })).toMatchObject({
      data: { deletion: { count: 2, candidates: ['a', 'e'] } },
    });
  });

  it('writes its settings from the spec', async () => {
    const p = props({ destroy_after_deletion: false, grace_period: 30, reduce_desired_capacity: false });
    expect(await before('CLUSTER_SCALE_IN', { props: p })).toMatchObject({
      data: { deletion: { destroy_after_deletion: false, grace_period: 30, reduce_desired_capacity: false } },
    });
  });

  it('hands the lifecycle hook on for shrinks it sizes, not for named nodes', async () => {
    const hooks = { type: 'zaqar' as const, params: { queue: 'q', url: '' }, timeout: 60 };
    const p = props({ hooks });
    expect(await before('CLUSTER_SCALE_IN', { props: p })).toMatchObject({ data: { hooks } });
    expect(await before('CLUSTER_DEL_NODES', { props: p, inputs: { candidates: ['a'] } })).not.toHaveProperty(
      'data.hooks',
    );
    expect(await before('CLUSTER_SCALE_IN')).not.toHaveProperty('data.hooks');
  });

  it('draws RANDOM victims from the action seed: the same seed, the same victims', async () => {
    const seeded = (seed: number) => () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const draw = (seed: number) =>
      before('CLUSTER_SCALE_IN', { inputs: { count: 3 }, props: props({ criteria: 'RANDOM' }), random: seeded(seed) });
    const first = await draw(7);
    expect(first).toMatchObject({ data: { deletion: { count: 3 } } });
    expect(await draw(7)).toEqual(first);
    // The bad node still goes first.
    expect(allowed(first)).toMatchObject({
      deletion: { candidates: [expect.any(String), expect.any(String), expect.any(String)] },
    });
    expect((allowed(first).deletion as { candidates: string[] }).candidates[0]).toBe('e');
  });
});
