import { formatNodeName } from './node-name';

describe('formatNodeName', () => {
  it('defaults to node-$8R', () => {
    expect(formatNodeName(undefined, 3)).toMatch(/^node-[A-Za-z][A-Za-z0-9]{7}$/);
    expect(formatNodeName('', 3)).toMatch(/^node-[A-Za-z][A-Za-z0-9]{7}$/);
  });

  it('pads the index to the given width and lower-cases $r', () => {
    expect(formatNodeName('N$2I', 1)).toBe('N01');
    expect(formatNodeName('web-$3I', 1234)).toBe('web-1234');
    expect(formatNodeName('x-$4r-$I', 12)).toMatch(/^x-[a-z][a-z0-9]{3}-12$/);
    expect(formatNodeName('$R', 1)).toMatch(/^[A-Za-z][A-Za-z0-9]{7}$/);
  });

  it('leaves text without directives alone', () => {
    expect(formatNodeName('fixed', 5)).toBe('fixed');
  });
});
