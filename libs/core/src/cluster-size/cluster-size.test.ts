import { calculateDesired, checkSizeParams, planResize } from './cluster-size';

const cluster = { minSize: 1, maxSize: 5, desiredCapacity: 3 };

describe('calculateDesired', () => {
  it('rounds small percentages away from zero and large ones toward zero', () => {
    expect(calculateDesired(10, 'CHANGE_IN_PERCENTAGE', 5, null)).toBe(11); // 0.5 -> 1
    expect(calculateDesired(10, 'CHANGE_IN_PERCENTAGE', -5, null)).toBe(9);
    expect(calculateDesired(10, 'CHANGE_IN_PERCENTAGE', 25, null)).toBe(12); // 2.5 -> 2
    expect(calculateDesired(10, 'CHANGE_IN_PERCENTAGE', -25, null)).toBe(8);
    expect(calculateDesired(10, 'CHANGE_IN_PERCENTAGE', 10, 3)).toBe(13);
    expect(calculateDesired(4, 'EXACT_CAPACITY', 7, null)).toBe(7);
    expect(calculateDesired(4, 'CHANGE_IN_CAPACITY', -2, null)).toBe(2);
  });
});

describe('checkSizeParams', () => {
  it("uses Senlin's messages", () => {
    expect(checkSizeParams({ cluster, desired: 6, strict: true, maxNodesPerCluster: 1000 })).toBe(
      "The target capacity (6) is greater than the cluster's max_size (5).",
    );
    expect(checkSizeParams({ minSize: 20, maxSize: 10, maxNodesPerCluster: 1000 })).toBe(
      'The specified min_size (20) is greater than the specified max_size (10).',
    );
    expect(checkSizeParams({ desired: 1001, maxNodesPerCluster: 1000 })).toMatch(/maximum number of nodes/);
    expect(checkSizeParams({ cluster, desired: 4, strict: true, maxNodesPerCluster: 1000 })).toBeNull();
  });
});

describe('planResize', () => {
  it('clamps when not strict and refuses when strict', () => {
    expect(planResize(cluster, 3, { adjustment_type: 'CHANGE_IN_CAPACITY', number: 10, strict: false }, 1000)).toEqual({
      desired: 5,
      minSize: null,
      maxSize: null,
    });
    expect(planResize(cluster, 3, { adjustment_type: 'CHANGE_IN_CAPACITY', number: 10 }, 1000)).toEqual({
      error: "The target capacity (13) is greater than the cluster's max_size (5).",
    });
  });
});
