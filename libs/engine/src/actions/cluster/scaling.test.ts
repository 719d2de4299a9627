import { deletionSettings, isTrue, positiveInt, resizeTarget, scaleInCount, scaleOutCount } from './scaling';

const cluster = { minSize: 1, maxSize: 10, desiredCapacity: 4 };

describe('scale counts', () => {
  it('scales out by a policy count, else the request count, else one', () => {
    expect(scaleOutCount({ creation: { count: 3 } }, { count: 5 })).toBe(3);
    expect(scaleOutCount({}, { count: 5 })).toBe(5);
    expect(scaleOutCount({}, { count: '2' } as never)).toBe(2);
    expect(scaleOutCount({}, {})).toBe(1);
  });

  it("refuses counts Senlin's get_positive_int refuses, with Senlin's message", () => {
    expect(scaleOutCount({}, { count: 0 })).toEqual({ error: 'Invalid count (0) for scaling out.' });
    expect(scaleInCount({}, { count: -2 })).toEqual({ error: 'Invalid count (-2) for scaling in.' });
    expect(scaleInCount({}, { count: '1.5' } as never)).toEqual({ error: 'Invalid count (1.5) for scaling in.' });
    expect(positiveInt('03')).toBeNull();
    expect(positiveInt(true)).toBeNull();
  });

  it('scales in by a policy’s candidates, else its count, else the request count', () => {
    expect(scaleInCount({ deletion: { candidates: ['a', 'b'], count: 5 } }, { count: 1 })).toEqual({
      count: 2,
      candidates: ['a', 'b'],
    });
    expect(scaleInCount({ deletion: { count: 3 } }, { count: 1 })).toEqual({ count: 3, candidates: [] });
    expect(scaleInCount({}, { count: 2 })).toEqual({ count: 2, candidates: [] });
    expect(scaleInCount({}, {})).toEqual({ count: 1, candidates: [] });
  });
});

describe('deletionSettings', () => {
  it('destroys, waits no grace period and reduces desired_capacity unless a policy says otherwise', () => {
    expect(deletionSettings({})).toEqual({
      destroy: true,
      gracePeriodS: 0,
      reduceDesired: true,
      candidates: [],
      count: null,
    });
    expect(deletionSettings({}, false).destroy).toBe(false);
    expect(
      deletionSettings({
        deletion: { destroy_after_deletion: false, grace_period: 5, reduce_desired_capacity: false, candidates: ['x'] },
      }),
    ).toEqual({ destroy: false, gracePeriodS: 5, reduceDesired: false, candidates: ['x'], count: null });
  });
});

describe('resizeTarget', () => {
  it('plans against the live node count when no policy decided', () => {
    const inputs = {
      adjustment_type: 'CHANGE_IN_PERCENTAGE' as const,
      number: 50,
      min_size: null,
      max_size: null,
      min_step: null,
      strict: true,
    };
    expect(resizeTarget(cluster, 4, {}, inputs, 1000)).toEqual({ desired: 6, minSize: null, maxSize: null });
  });

  it('clamps into the bounds when not strict and refuses when strict', () => {
    const inputs = {
      adjustment_type: 'EXACT_CAPACITY' as const,
      number: 12,
      min_size: null,
      max_size: null,
      min_step: null,
    };
    expect(resizeTarget(cluster, 4, {}, { ...inputs, strict: false }, 1000)).toEqual({
      desired: 10,
      minSize: null,
      maxSize: null,
    });
    expect(resizeTarget(cluster, 4, {}, { ...inputs, strict: true }, 1000)).toEqual({
      error: "The target capacity (12) is greater than the cluster's max_size (10).",
    });
  });

  it('takes a policy’s creation or deletion count as decided', () => {
    expect(resizeTarget(cluster, 4, { creation: { count: 2 } }, { max_size: 20 }, 1000)).toEqual({
      desired: 6,
      minSize: null,
      maxSize: 20,
    });
    expect(resizeTarget(cluster, 4, { deletion: { count: 3 } }, {}, 1000)).toEqual({
      desired: 1,
      minSize: null,
      maxSize: null,
    });
  });
});

describe('isTrue', () => {
  it('reads the flags of free-form request maps as Senlin does', () => {
    expect([true, 'yes', 'True', '1', 'on'].map(isTrue)).toEqual([true, true, true, true, true]);
    expect([false, 'no', 0, undefined, 'maybe'].map(isTrue)).toEqual([false, false, false, false, false]);
  });
});
