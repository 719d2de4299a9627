import { firstMatch, parseAttributePath } from './attribute-path';

const node = {
  name: 'N01',
  metadata: { 'app-tier': 'web', constructor: 'x' },
  details: { status: 'ACTIVE', addresses: { private: [{ addr: '10.0.0.1' }, { addr: '10.0.0.2' }] } },
};

const find = (path: string) => firstMatch(parseAttributePath(path), node);

describe('collect attribute paths', () => {
  it('reads fields, nested fields, indexes, quoted names and wildcards', () => {
    expect(find('name')).toBe('N01');
    expect(find('$.name')).toBe('N01');
    expect(find('details.status')).toBe('ACTIVE');
    expect(find('details.addresses.private[1].addr')).toBe('10.0.0.2');
    expect(find("metadata.'app-tier'")).toBe('web');
    expect(find("metadata['app-tier']")).toBe('web');
    expect(find('details.addresses.private[*].addr')).toBe('10.0.0.1');
    expect(find('$..addr')).toBe('10.0.0.1');
    expect(find('details.addresses.private[1:].addr')).toBe('10.0.0.2');
  });

  it('finds nothing where nothing is, own keys named like Object members included', () => {
    expect(find('nope')).toBeUndefined();
    expect(find('details.nope.deeper')).toBeUndefined();
    expect(find('constructor')).toBeUndefined();
    expect(find('__proto__')).toBeUndefined();
    expect(find('metadata.constructor')).toBe('x');
  });

  it.each([
    '[',
    'name[',
    'a..',
    'a b',
    '.name',
    'name.',
    "metadata['x",
    '$[?(@.a)]',
    'name^',
    'name~',
    'a.@string()',
    "metadata['a~']",
  ])('refuses %p with Senlin’s message', (path) => {
    expect(() => parseAttributePath(path)).toThrow(/^Invalid attribute path - /);
  });
});
