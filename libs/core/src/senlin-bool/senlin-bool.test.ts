import { boolFromString, boolParam, pyText, unrecognizedBool } from './senlin-bool';

describe("Senlin's booleans", () => {
  it.each([
    [true, true],
    [false, false],
    ['yes', true],
    [' On ', true],
    ['F', false],
    [1, true],
    [0, false],
    [[1], undefined],
    [[true], undefined],
    [{}, undefined],
    [null, undefined],
    [1.5, undefined],
    ['maybe', undefined],
  ])('bool_from_string(%p, strict=True) is %p', (v, b) => {
    expect(boolFromString(v)).toBe(b);
  });

  it('prints a value as Python str() does in its message', () => {
    expect(pyText([1])).toBe('[1]');
    expect(pyText([true])).toBe('[True]');
    expect(unrecognizedBool([1])).toMatch(/^Unrecognized value '\[1\]', acceptable values are: '0', '1'/);
  });

  it.each([
    ['true', true],
    ['False', false],
    [true, true],
    ['yes', undefined],
    [[true], undefined],
    [1, undefined],
  ])('parse_bool_param(%p) is %p', (v, b) => {
    expect(boolParam(v)).toBe(b);
  });
});
