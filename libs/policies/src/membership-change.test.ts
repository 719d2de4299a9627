import type { ActionName } from '@grove/core';
import { requestedChange, resizeChange } from './membership-change';

const bounds = { minSize: 1, maxSize: 10, desiredCapacity: 4 };
const clusterOf = (n: number, o: Partial<typeof bounds> = {}) => ({
  ...bounds,
  ...o,
  members: Array.from({ length: n }, (_, i) => i),
});
const act = (name: ActionName, inputs: Record<string, unknown> = {}, data: Record<string, unknown> = {}) => ({
  name,
  inputs,
  data,
});

describe('resizeChange', () => {
  it.each([
    ['EXACT_CAPACITY to 6 from 4', { adjustment_type: 'EXACT_CAPACITY', number: 6, strict: true }, 4, { change: 2 }],
    ['EXACT_CAPACITY to 2 from 4', { adjustment_type: 'EXACT_CAPACITY', number: 2, strict: true }, 4, { change: -2 }],
    ['CHANGE_IN_CAPACITY -3', { adjustment_type: 'CHANGE_IN_CAPACITY', number: -3, strict: true }, 4, { change: -3 }],
    // 10% of 4 is 0.4: rounded away from zero to 1.
    ['a small percentage', { adjustment_type: 'CHANGE_IN_PERCENTAGE', number: 10, strict: true }, 4, { change: 1 }],
    [
      '-50% with min_step 3',
      { adjustment_type: 'CHANGE_IN_PERCENTAGE', number: -50, min_step: 3, strict: true },
      4,
      { change: -3 },
    ],
    [
      'only new bounds',
      { adjustment_type: null, number: null, min_size: 2, max_size: 8, strict: true },
      4,
      { change: 0 },
    ],
    [
      'non-strict growth past max_size is clamped',
      { adjustment_type: 'CHANGE_IN_CAPACITY', number: 20, strict: false },
      4,
      { change: 6 },
    ],
    [
      'non-strict shrink below a new min_size is clamped',
      { adjustment_type: 'EXACT_CAPACITY', number: 0, min_size: 2, strict: false },
      4,
      { change: -2 },
    ],
    [
      'strict growth past max_size',
      { adjustment_type: 'CHANGE_IN_CAPACITY', number: 20, strict: true },
      4,
      { error: "The target capacity (24) is greater than the cluster's max_size (10)." },
    ],
    [
      'strict shrink below min_size',
      { adjustment_type: 'EXACT_CAPACITY', number: 0, strict: true },
      4,
      { error: "The target capacity (0) is less than the cluster's min_size (1)." },
    ],
  ])('%s', (_name, inputs, current, expected) => {
    expect(resizeChange(bounds, current, inputs, 1000)).toEqual(expected);
  });

  it('plans against the live member count, not the desired capacity', () => {
    const inputs = { adjustment_type: 'CHANGE_IN_CAPACITY', number: -1, strict: true };
    expect(resizeChange({ ...bounds, desiredCapacity: 9 }, 3, inputs, 1000)).toEqual({ change: -1 });
  });
});

describe('requestedChange (SL _get_count)', () => {
  it.each([
    ['scale-out by a scaling decision', act('CLUSTER_SCALE_OUT', { count: 5 }, { creation: { count: 3 } }), 3],
    ['scale-out by the request', act('CLUSTER_SCALE_OUT', { count: 2 }), 2],
    ['scale-out by default', act('CLUSTER_SCALE_OUT'), 1],
    ['scale-out that best effort made empty', act('CLUSTER_SCALE_OUT', {}, { creation: { count: 0 } }), 0],
    ['scale-in by a scaling decision', act('CLUSTER_SCALE_IN', { count: 5 }, { deletion: { count: 2 } }), -2],
    ['scale-in by the request', act('CLUSTER_SCALE_IN', { count: '3' }), -3],
    ['scale-in by default', act('CLUSTER_SCALE_IN'), -1],
    ['scale-in with a bad count leaves it to the handler', act('CLUSTER_SCALE_IN', { count: 'many' }), 0],
    ['scale-in with a negative count', act('CLUSTER_SCALE_IN', { count: -2 }), 0],
    [
      'resize decided by an earlier deletion',
      act('CLUSTER_RESIZE', {}, { deletion: { count: 2, regions: { R1: 2 } } }),
      -2,
    ],
    ['resize decided by an earlier creation', act('CLUSTER_RESIZE', {}, { creation: { count: 4 } }), 4],
    ['resize planned here', act('CLUSTER_RESIZE', { adjustment_type: 'EXACT_CAPACITY', number: 7, strict: true }), 3],
    ['a node action', act('NODE_CREATE'), 0],
    ['an update', act('CLUSTER_UPDATE'), 0],
  ])('%s', (_name, action, change) => {
    expect(requestedChange(action, clusterOf(4), 1000)).toEqual({ change });
  });

  it("gives a resize's error in Senlin's words", () => {
    const action = act('CLUSTER_RESIZE', { adjustment_type: 'EXACT_CAPACITY', number: 11, strict: true });
    expect(requestedChange(action, clusterOf(4), 1000)).toEqual({
      error: "The target capacity (11) is greater than the cluster's max_size (10).",
    });
  });
});
