import type { ActionName } from '@grove/core';
import { deletionTarget, resizeDeletionCount } from './deletion-count';

const bounds = { minSize: 1, maxSize: 8, desiredCapacity: 5 };
const five = { ...bounds, members: [1, 2, 3, 4, 5] };
const exact = (number: number, o: Record<string, unknown> = {}) => ({
  adjustment_type: 'EXACT_CAPACITY',
  number,
  min_size: null,
  max_size: null,
  min_step: null,
  strict: true,
  ...o,
});

describe('resizeDeletionCount', () => {
  it.each([
    ['a shrink', exact(2), { count: 3 }],
    ['no change', exact(5), { count: 0 }],
    ['a growth', exact(7), { count: 0 }],
    ['-40% of 5', { adjustment_type: 'CHANGE_IN_PERCENTAGE', number: -40, strict: true }, { count: 2 }],
    // -10% of 5 is -0.5: rounded away from zero to one node.
    ['-10% of 5', { adjustment_type: 'CHANGE_IN_PERCENTAGE', number: -10, strict: true }, { count: 1 }],
    [
      '-10% of 5 with min_step 2',
      { adjustment_type: 'CHANGE_IN_PERCENTAGE', number: -10, min_step: 2, strict: true },
      { count: 2 },
    ],
    ['a shrink held at min_size when not strict', exact(0, { strict: false }), { count: 4 }],
    ['a shrink to a new, lower min_size', exact(0, { min_size: 0 }), { count: 5 }],
    ['a new max_size alone', { max_size: 6, strict: true }, { count: 0 }],
    // A new max_size below the size shrinks the cluster to it, unless strict.
    ['a new max_size below the size', { max_size: 3, strict: false }, { count: 2 }],
    [
      'a new max_size below the size, strict',
      { max_size: 3, strict: true },
      { error: 'The target capacity (5) is greater than the specified max_size (3).' },
    ],
    [
      'a shrink below min_size',
      exact(0),
      { error: "The target capacity (0) is less than the cluster's min_size (1)." },
    ],
    [
      'a new max_size below a new min_size',
      exact(3, { min_size: 4, max_size: 3 }),
      { error: 'The target capacity (3) is less than the specified min_size (4).' },
    ],
  ])('%s', (_name, inputs, expected) => {
    expect(resizeDeletionCount(bounds, 5, inputs, 1000)).toEqual(expected);
  });
});

describe('deletionTarget', () => {
  const act = (name: ActionName, inputs: Record<string, unknown> = {}, data: Record<string, unknown> = {}) => ({
    name,
    inputs,
    data,
  });
  const only = (count: number) => ({ count, regions: null, zones: null });

  it.each([
    ["a scaling policy's count", act('CLUSTER_SCALE_IN', { count: 4 }, { deletion: { count: 2 } }), only(2)],
    ['a count best effort left at 0', act('CLUSTER_SCALE_IN', {}, { deletion: { count: 0 } }), only(0)],
    [
      "a placement policy's plan",
      act('CLUSTER_RESIZE', exact(1), { deletion: { count: 3, regions: { R1: 2, R2: 1 }, zones: {} } }),
      { count: 3, regions: { R1: 2, R2: 1 }, zones: null },
    ],
    [
      'a zone plan',
      act('CLUSTER_SCALE_IN', {}, { deletion: { count: 1, zones: { a: 1 } } }),
      { count: 1, regions: null, zones: { a: 1 } },
    ],
    ["a scale-in's count", act('CLUSTER_SCALE_IN', { count: 3 }), only(3)],
    ['a scale-in of 1 by default', act('CLUSTER_SCALE_IN'), only(1)],
    ['a scale-in count given as a string', act('CLUSTER_SCALE_IN', { count: '2' }), only(2)],
    ['a scale-in with a bad count is left to the handler', act('CLUSTER_SCALE_IN', { count: 'two' }), null],
    ['a scale-in with a zero count is left to the handler', act('CLUSTER_SCALE_IN', { count: 0 }), null],
    ['a resize down', act('CLUSTER_RESIZE', exact(3)), only(2)],
    ['a resize up', act('CLUSTER_RESIZE', exact(7)), null],
    ['a resize to the same size', act('CLUSTER_RESIZE', exact(5)), null],
    [
      'a refused resize',
      act('CLUSTER_RESIZE', exact(9)),
      { error: "The target capacity (9) is greater than the cluster's max_size (8)." },
    ],
    ['del_nodes without candidates', act('CLUSTER_DEL_NODES', { candidates: [] }), null],
    [
      'a deletion map without a count',
      act('CLUSTER_SCALE_IN', { count: 2 }, { deletion: { grace_period: 3 } }),
      only(2),
    ],
  ])('%s', (_name, action, expected) => {
    expect(deletionTarget(action, five, 1000)).toEqual(expected);
  });
});
