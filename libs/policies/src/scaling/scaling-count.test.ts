import type { AdjustmentType } from '@grove/core';
import { adjustmentCount, cooldownRemaining, scalingCount } from './scaling-count';
import type { ScalingAdjustment, ScalingEvent } from './scaling.properties';

const adj = (type: AdjustmentType, number: number, o: Partial<ScalingAdjustment> = {}): ScalingAdjustment => ({
  type,
  number,
  min_step: 1,
  best_effort: false,
  cooldown: 0,
  ...o,
});
const IN: ScalingEvent = 'CLUSTER_SCALE_IN';
const OUT: ScalingEvent = 'CLUSTER_SCALE_OUT';

describe('adjustmentCount (SL _calculate_adjustment_count)', () => {
  it.each([
    ['EXACT_CAPACITY scale-in: the distance down to the size', adj('EXACT_CAPACITY', 1), IN, 3, 2],
    ['EXACT_CAPACITY scale-out: the distance up to the size', adj('EXACT_CAPACITY', 1), OUT, 3, -2],
    ['EXACT_CAPACITY scale-out from below', adj('EXACT_CAPACITY', 5), OUT, 3, 2],
    ['CHANGE_IN_CAPACITY', adj('CHANGE_IN_CAPACITY', 1), OUT, 3, 1],
    ['CHANGE_IN_CAPACITY ignores the size', adj('CHANGE_IN_CAPACITY', 4), IN, 0, 4],
    ['percentage', adj('CHANGE_IN_PERCENTAGE', 50), OUT, 10, 5],
    ['percentage truncated', adj('CHANGE_IN_PERCENTAGE', 33), OUT, 10, 3],
    ['percentage truncated, not rounded', adj('CHANGE_IN_PERCENTAGE', 19), IN, 10, 1],
    ['percentage of a fractional number', adj('CHANGE_IN_PERCENTAGE', 12.5), OUT, 8, 1],
    ['percentage raised to min_step', adj('CHANGE_IN_PERCENTAGE', 1, { min_step: 2 }), OUT, 10, 2],
    ['percentage of an empty cluster, raised to min_step', adj('CHANGE_IN_PERCENTAGE', 10), OUT, 0, 1],
    ['percentage with min_step 0 may be 0', adj('CHANGE_IN_PERCENTAGE', 10, { min_step: 0 }), OUT, 5, 0],
    ['percentage above min_step is kept', adj('CHANGE_IN_PERCENTAGE', 200, { min_step: 2 }), OUT, 3, 6],
  ])('%s', (_name, a, event, current, expected) => {
    expect(adjustmentCount(a, event, current)).toBe(expected);
  });
});

describe('scalingCount (SL ScalingPolicy.pre_op)', () => {
  const bounded = { minSize: 1, maxSize: 5, desiredCapacity: 3 };
  const open = { minSize: 0, maxSize: -1, desiredCapacity: 999 };
  const cases: [string, ScalingAdjustment, ScalingEvent, unknown, typeof bounded, number, unknown][] = [
    // The request's count wins over the adjustment.
    ['the request count', adj('CHANGE_IN_CAPACITY', 1), OUT, 2, bounded, 3, { count: 2 }],
    ['a request count as a string', adj('CHANGE_IN_CAPACITY', 1), IN, '2', bounded, 3, { count: 2 }],
    ['no request count: the adjustment', adj('CHANGE_IN_CAPACITY', 2), OUT, undefined, bounded, 3, { count: 2 }],
    ['a null request count: the adjustment', adj('CHANGE_IN_CAPACITY', 2), IN, null, bounded, 3, { count: 2 }],
    // The count must be a positive integer, whichever gave it.
    [
      'a word',
      adj('CHANGE_IN_CAPACITY', 1),
      OUT,
      'many',
      bounded,
      3,
      { error: "Invalid count (many) for action 'CLUSTER_SCALE_OUT'." },
    ],
    [
      'zero',
      adj('CHANGE_IN_CAPACITY', 1),
      IN,
      0,
      bounded,
      3,
      { error: "Invalid count (0) for action 'CLUSTER_SCALE_IN'." },
    ],
    [
      'negative',
      adj('CHANGE_IN_CAPACITY', 1),
      IN,
      -1,
      bounded,
      3,
      { error: "Invalid count (-1) for action 'CLUSTER_SCALE_IN'." },
    ],
    [
      'a fraction',
      adj('CHANGE_IN_CAPACITY', 1),
      OUT,
      1.5,
      bounded,
      3,
      { error: "Invalid count (1.5) for action 'CLUSTER_SCALE_OUT'." },
    ],
    [
      'a fractional adjustment',
      adj('CHANGE_IN_CAPACITY', 1.5),
      OUT,
      undefined,
      bounded,
      3,
      { error: "Invalid count (1.5) for action 'CLUSTER_SCALE_OUT'." },
    ],
    [
      'EXACT_CAPACITY already passed',
      adj('EXACT_CAPACITY', 2),
      OUT,
      undefined,
      bounded,
      3,
      { error: "Invalid count (-1) for action 'CLUSTER_SCALE_OUT'." },
    ],
    [
      'EXACT_CAPACITY already reached',
      adj('EXACT_CAPACITY', 3),
      IN,
      undefined,
      bounded,
      3,
      { error: "Invalid count (0) for action 'CLUSTER_SCALE_IN'." },
    ],
    [
      'a percentage that truncates to 0',
      adj('CHANGE_IN_PERCENTAGE', 10, { min_step: 0 }),
      OUT,
      undefined,
      bounded,
      3,
      { error: "Invalid count (0) for action 'CLUSTER_SCALE_OUT'." },
    ],
    // Strict size checks.
    ['scale-out within max_size', adj('CHANGE_IN_CAPACITY', 1), OUT, 2, bounded, 3, { count: 2 }],
    [
      'scale-out past max_size',
      adj('CHANGE_IN_CAPACITY', 1),
      OUT,
      3,
      bounded,
      3,
      { error: "The target capacity (6) is greater than the cluster's max_size (5)." },
    ],
    ['scale-in to min_size', adj('CHANGE_IN_CAPACITY', 1), IN, 2, bounded, 3, { count: 2 }],
    [
      'scale-in below min_size',
      adj('CHANGE_IN_CAPACITY', 1),
      IN,
      3,
      bounded,
      3,
      { error: "The target capacity (0) is less than the cluster's min_size (1)." },
    ],
    [
      'scale-out past the per-cluster limit',
      adj('CHANGE_IN_CAPACITY', 2),
      OUT,
      undefined,
      open,
      999,
      { error: 'The target capacity (1001) is greater than the maximum number of nodes allowed per cluster (1000).' },
    ],
    // Best effort: as far as the limits allow, and the limits are not checked.
    [
      'best effort scale-out stops at max_size',
      adj('CHANGE_IN_CAPACITY', 3, { best_effort: true }),
      OUT,
      undefined,
      bounded,
      3,
      { count: 2 },
    ],
    [
      'best effort scale-in stops at min_size',
      adj('CHANGE_IN_CAPACITY', 3, { best_effort: true }),
      IN,
      undefined,
      bounded,
      3,
      { count: 2 },
    ],
    [
      'best effort within the limits',
      adj('CHANGE_IN_CAPACITY', 1, { best_effort: true }),
      IN,
      undefined,
      bounded,
      3,
      { count: 1 },
    ],
    [
      'best effort with max_size -1 stops at the per-cluster limit',
      adj('CHANGE_IN_CAPACITY', 5, { best_effort: true }),
      OUT,
      undefined,
      open,
      999,
      { count: 1 },
    ],
    [
      'best effort at max_size scales by nothing',
      adj('CHANGE_IN_CAPACITY', 2, { best_effort: true }),
      OUT,
      undefined,
      bounded,
      5,
      { count: 0 },
    ],
    [
      'best effort past max_size scales by nothing',
      adj('CHANGE_IN_CAPACITY', 2, { best_effort: true }),
      OUT,
      undefined,
      bounded,
      7,
      { count: 0 },
    ],
    [
      'best effort below min_size scales by nothing',
      adj('CHANGE_IN_CAPACITY', 2, { best_effort: true }),
      IN,
      undefined,
      bounded,
      0,
      { count: 0 },
    ],
    [
      'best effort still wants a positive count',
      adj('CHANGE_IN_CAPACITY', 1, { best_effort: true }),
      IN,
      0,
      bounded,
      3,
      { error: "Invalid count (0) for action 'CLUSTER_SCALE_IN'." },
    ],
  ];
  it.each(cases)('%s', (_name, a, event, count, cluster, current, expected) => {
    expect(scalingCount(a, { event, count, cluster, current, maxNodesPerCluster: 1000 })).toEqual(expected);
  });
});

describe('cooldownRemaining', () => {
  const now = new Date(Date.UTC(2026, 5, 1, 12, 0, 0));
  const ago = (s: number) => new Date(now.getTime() - s * 1000);
  const withCooldown = (cooldown: number) => ({ adjustment: adj('CHANGE_IN_CAPACITY', 1, { cooldown }) });
  it.each([
    ['never scaled', withCooldown(60), null, 0],
    ['no cooldown', withCooldown(0), ago(0), 0],
    ['no adjustment (cooldown 0)', {}, ago(1), 0],
    ['10 s into 60', withCooldown(60), ago(10), 50],
    ['half a second into 1', withCooldown(1), ago(0.5), 0.5],
    ['exactly over', withCooldown(60), ago(60), 0],
    ['long over', withCooldown(60), ago(3600), 0],
  ])('%s', (_name, props, lastOp, expected) => {
    expect(cooldownRemaining(props, lastOp, now)).toBeCloseTo(expected, 6);
  });
});
