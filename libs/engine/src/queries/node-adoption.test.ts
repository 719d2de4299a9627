import { withOverrides } from './node-adoption';

describe('withOverrides', () => {
  it('replaces properties key by key, adds new ones, and drops those overridden with null', () => {
    const read = { flavor: 'f1', metadata: { a: '1' }, key_name: 'k' };
    expect(withOverrides(read, { metadata: { b: '2' }, name: 'x', key_name: null })).toEqual({
      flavor: 'f1',
      metadata: { b: '2' },
      name: 'x',
    });
    expect(read).toEqual({ flavor: 'f1', metadata: { a: '1' }, key_name: 'k' });
  });
});
