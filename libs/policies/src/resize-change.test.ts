import { resizeChange, resizeInputs } from './resize-change';
import { cluster, member } from './test-support';

const withMembers = (n: number, o: { minSize?: number; maxSize?: number } = {}) =>
  cluster({ members: Array.from({ length: n }, () => member()), ...o });

describe('resizeChange', () => {
  it.each([
    ['EXACT_CAPACITY to fewer nodes removes the difference', 4, { adjustment_type: 'EXACT_CAPACITY', number: 1 }, -3],
    ['EXACT_CAPACITY to more nodes adds the difference', 2, { adjustment_type: 'EXACT_CAPACITY', number: 5 }, 3],
    ['CHANGE_IN_CAPACITY adds', 2, { adjustment_type: 'CHANGE_IN_CAPACITY', number: 2 }, 2],
    ['CHANGE_IN_CAPACITY removes', 3, { adjustment_type: 'CHANGE_IN_CAPACITY', number: -2 }, -2],
    ['a small percentage rounds away from zero', 4, { adjustment_type: 'CHANGE_IN_PERCENTAGE', number: -10 }, -1],
    ['a large percentage rounds toward zero', 10, { adjustment_type: 'CHANGE_IN_PERCENTAGE', number: 25 }, 2],
    ['min_step raises a percentage step', 10, { adjustment_type: 'CHANGE_IN_PERCENTAGE', number: 10, min_step: 3 }, 3],
    ['only new bounds change nothing', 3, { min_size: 1, max_size: 5 }, 0],
  ])('%s', (_name, n, inputs, delta) => {
    expect(resizeChange(withMembers(n), { strict: true, ...inputs }, 1000)).toEqual({ delta });
  });

  it('clamps into the bounds when not strict', () => {
    const c = withMembers(3, { minSize: 2, maxSize: 4 });
    expect(resizeChange(c, { adjustment_type: 'EXACT_CAPACITY', number: 0, strict: false }, 1000)).toEqual({
      delta: -1,
    });
    expect(resizeChange(c, { adjustment_type: 'EXACT_CAPACITY', number: 9, strict: false }, 1000)).toEqual({
      delta: 1,
    });
  });

  it("gives Senlin's reason when a strict resize breaks the bounds", () => {
    const c = withMembers(3, { minSize: 2, maxSize: 4 });
    expect(resizeChange(c, { adjustment_type: 'EXACT_CAPACITY', number: 1, strict: true }, 1000)).toEqual({
      error: "The target capacity (1) is less than the cluster's min_size (2).",
    });
  });

  it('reads malformed inputs as absent', () => {
    expect(resizeInputs({ adjustment_type: 'SIDEWAYS', number: '3', strict: 'yes' })).toEqual({
      adjustment_type: null,
      number: null,
      min_size: null,
      max_size: null,
      min_step: null,
      strict: null,
    });
  });
});
