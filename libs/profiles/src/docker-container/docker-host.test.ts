import { pickMember, privateFixedIp, typeName } from './docker-host';

describe('pickMember', () => {
  const members = ['d', 'a', 'c', 'b'].map((id) => ({ id }));

  it('gives a node the same host whatever order the members come in', () => {
    for (const node of ['n1', 'n2', 'n3']) {
      expect(pickMember(members, node)).toEqual(pickMember([...members].reverse(), node));
    }
  });

  it('spreads nodes over the hosts', () => {
    const used = new Set(Array.from({ length: 64 }, (_, i) => pickMember(members, `node-${i}`)!.id));
    expect(used.size).toBe(4);
  });

  it('has nothing to pick from an empty cluster', () => {
    expect(pickMember([], 'n1')).toBeNull();
  });
});

describe('privateFixedIp', () => {
  it("takes the fixed IPv4 address on 'private'", () => {
    expect(
      privateFixedIp({
        addresses: {
          public: [{ addr: '172.24.4.9', version: 4, type: 'fixed' }],
          private: [
            { addr: 'fd00::5', version: 6, type: 'fixed' },
            { addr: '172.24.4.10', version: 4, type: 'floating' },
            { addr: '10.0.0.5', version: 4, type: 'fixed' },
          ],
        },
      }),
    ).toBe('10.0.0.5');
    expect(privateFixedIp({ addresses: { public: [{ addr: '172.24.4.9', version: 4, type: 'fixed' }] } })).toBeNull();
  });
});

describe('typeName', () => {
  it('drops the version from a type key', () => {
    expect(typeName('os.nova.server-1.0')).toBe('os.nova.server');
    expect(typeName('container.dockerinc.docker-1.0')).toBe('container.dockerinc.docker');
  });
});
