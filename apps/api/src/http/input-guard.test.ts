import { bodyProblem, storableText, urlProblem } from './input-guard';

describe('storableText', () => {
  it.each([
    ['plain text', 'web-1', true],
    ['a surrogate pair', '🌲', true],
    ['CJK', '集群', true],
    ['a NUL', 'a\u0000b', false],
    ['a lone high surrogate', 'a\ud800', false],
    ['a lone low surrogate', '\udc00a', false],
    ['a pair the wrong way round', '\udf32\ud83c', false],
  ])('%s: %p', (_what, s, ok) => {
    expect(storableText(s)).toBe(ok);
  });
});

describe('bodyProblem', () => {
  const deep = (n: number): unknown => {
    let v: unknown = 1;
    for (let i = 0; i < n; i++) v = { a: v };
    return v;
  };

  it('takes a body up to the depth limit and refuses one level more', () => {
    expect(bodyProblem(deep(100))).toBeNull();
    expect(bodyProblem(deep(101))).toEqual({ kind: 'depth' });
  });

  it('walks 100,000 levels without a stack overflow', () => {
    expect(bodyProblem(deep(100_000))).toEqual({ kind: 'depth' });
  });

  it('names where a bad string is, in a value or a key', () => {
    expect(bodyProblem({ cluster: { metadata: { k: ['ok', 'x\u0000'] } } })).toEqual({
      kind: 'text',
      at: 'cluster.metadata.k[1]',
    });
    expect(bodyProblem({ node: { ['k\ud800']: 1 } })).toEqual({ kind: 'text', at: 'node.k\ufffd' });
    expect(bodyProblem({ n: 1, b: true, x: null, s: '🌲' })).toBeNull();
  });
});

describe('urlProblem', () => {
  it('refuses a NUL in a path segment, a query value or a query name', () => {
    expect(urlProblem('/v1/clusters/a%00', {})).toBe('The request path has a NUL character or an unpaired surrogate.');
    expect(urlProblem('/v1/clusters', { name: ['ok', 'a\u0000'] })).toBe(
      "The value for 'name' has a NUL character or an unpaired surrogate.",
    );
    expect(urlProblem('/v1/clusters', { 'a\u0000': 'x' })).toBe(
      'A query parameter name has a NUL character or an unpaired surrogate.',
    );
  });

  it('leaves percent-encoding that does not decode to the router', () => {
    expect(urlProblem('/v1/clusters/%zz', {})).toBeNull();
    expect(urlProblem('/v1/clusters/%F0%9F%8C%B2', { name: '集群' })).toBeNull();
  });
});
