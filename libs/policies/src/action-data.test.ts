import { positiveInt, pyList } from './action-data';

describe('positiveInt (SL get_positive_int)', () => {
  it.each([
    [3, 3],
    ['3', 3],
    ['12', 12],
    [0, null],
    [-1, null],
    ['-1', null],
    [1.5, null],
    ['1.5', null],
    [' 3', null],
    ['+3', null],
    ['03', null],
    ['three', null],
    [true, null],
    [null, null],
    [undefined, null],
    [[3], null],
  ])('%j → %j', (v, expected) => {
    expect(positiveInt(v)).toBe(expected);
  });
});

describe('pyList', () => {
  it("writes a list of strings as Python's repr does", () => {
    expect(pyList(['R1', 'R3'])).toBe("['R1', 'R3']");
    expect(pyList([])).toBe('[]');
    expect(pyList(["it's"])).toBe(`["it's"]`);
    expect(pyList([`it's "x"`])).toBe(`['it\\'s "x"']`);
    expect(pyList(['a\\b'])).toBe("['a\\\\b']");
  });
});
