import { maxUnhealthyOf } from './max-unhealthy';

describe('maxUnhealthyOf', () => {
  it('reads a count as it is, and a percentage of the members rounded down', () => {
    expect(maxUnhealthyOf('3', 20)).toBe(3);
    expect(maxUnhealthyOf('20%', 20)).toBe(4);
    expect(maxUnhealthyOf('20%', 9)).toBe(1);
    expect(maxUnhealthyOf('0%', 9)).toBe(0);
    expect(maxUnhealthyOf('100%', 7)).toBe(7);
  });

  it('refuses what is neither', () => {
    for (const bad of ['', '-1', '1.5', '20 %', '101%', 'half', '3%%']) expect(maxUnhealthyOf(bad, 10)).toBeNull();
  });
});
