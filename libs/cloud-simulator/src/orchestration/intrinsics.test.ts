import { parseTemplate } from './hot-template';
import { dependencyOrder, DEFERRED, resolve, type ResolveContext } from './intrinsics';

const ctx = (o: Partial<ResolveContext> = {}): ResolveContext => ({
  param: (n) => ({ name: 'web', ports: [80, 443], cfg: { a: { b: 'deep' } } })[n] ?? null,
  resourceRef: (n) => `id-of-${n}`,
  attribute: (r, a) => (a === 'networks' ? { private: ['127.10.0.9'] } : `${r}.${a}`),
  ...o,
});

describe('intrinsic functions', () => {
  it('resolves parameters, references and attributes, with paths', () => {
    expect(
      resolve(
        {
          name: { get_param: 'name' },
          port: { get_param: ['ports', 1] },
          deep: { get_param: ['cfg', 'a', 'b'] },
          server: { get_resource: 'server' },
          ip: { get_attr: ['server', 'networks', 'private', 0] },
          first: { get_attr: ['server', 'first_address'] },
          literal: [1, 'two', { three: 3 }],
        },
        ctx(),
      ),
    ).toEqual({
      name: 'web',
      port: 443,
      deep: 'deep',
      server: 'id-of-server',
      ip: '127.10.0.9',
      first: 'server.first_address',
      literal: [1, 'two', { three: 3 }],
    });
  });

  it('joins, replaces, splits and merges', () => {
    expect(resolve({ list_join: [',', ['a', { get_param: 'name' }], ['c']] }, ctx())).toBe('a,web,c');
    expect(
      resolve({ str_replace: { template: '$host:$hostport', params: { $host: 'h', $hostport: 8080 } } }, ctx()),
    ).toBe('h:8080');
    expect(resolve({ str_split: [',', 'a,b,c', 1] }, ctx())).toBe('b');
    expect(resolve({ map_merge: [{ a: 1 }, { b: 2 }, { a: 3 }] }, ctx())).toEqual({ a: 3, b: 2 });
    expect(resolve({ list_concat: [[1], [2, 3]] }, ctx())).toEqual([1, 2, 3]);
  });

  it('gives null for a path that leads nowhere', () => {
    expect(resolve({ get_param: ['cfg', 'x', 'y'] }, ctx())).toBeNull();
    expect(resolve({ get_attr: ['server', 'networks', 'public', 0] }, ctx())).toBeNull();
  });

  it('defers whatever depends on a resource not made yet', () => {
    const deferred = ctx({ resourceRef: () => DEFERRED, attribute: () => DEFERRED });
    expect(resolve({ str_replace: { template: 'x $a', params: { $a: { get_attr: ['s', 'name'] } } } }, deferred)).toBe(
      DEFERRED,
    );
    expect(resolve({ list_join: ['-', [{ get_resource: 's' }]] }, deferred)).toBe(DEFERRED);
  });
});

describe('dependencyOrder', () => {
  const template = (resources: Record<string, unknown>, outputs: Record<string, unknown> = {}) =>
    parseTemplate({
      heat_template_version: '2016-10-14',
      parameters: { p: { type: 'string', default: 'x' } },
      resources,
      outputs,
    });

  it('makes each resource after those it refers to', () => {
    const order = dependencyOrder(
      template({
        server: {
          type: 'OS::Nova::Server',
          properties: { networks: [{ port: { get_resource: 'port' } }], name: { get_attr: ['name', 'value'] } },
        },
        port: { type: 'OS::Neutron::Port', properties: { network: 'private' } },
        name: { type: 'OS::Heat::RandomString' },
        after: { type: 'OS::Heat::None', depends_on: ['server'] },
      }),
    );
    expect(order.indexOf('port')).toBeLessThan(order.indexOf('server'));
    expect(order.indexOf('name')).toBeLessThan(order.indexOf('server'));
    expect(order.indexOf('server')).toBeLessThan(order.indexOf('after'));
  });

  it('refuses unknown references and undeclared parameters', () => {
    expect(() =>
      dependencyOrder(template({ a: { type: 'OS::Heat::None', properties: { x: { get_resource: 'b' } } } })),
    ).toThrow('The specified reference "b" (in a) is incorrect.');
    expect(() =>
      dependencyOrder(template({ a: { type: 'OS::Heat::None', properties: { x: { get_param: 'q' } } } })),
    ).toThrow('The Parameter (q) was not provided.');
    expect(() =>
      dependencyOrder(template({ a: { type: 'OS::Heat::None' } }, { o: { value: { get_attr: ['zz', 'v'] } } })),
    ).toThrow('The specified reference "zz"');
  });
});
