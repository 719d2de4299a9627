import { dockerEndpoint, pickMember, privateFixedIp, typeName } from './docker-host';

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

describe('dockerEndpoint', () => {
  it('is the Docker API of an IP literal and a TCP port', () => {
    expect(dockerEndpoint('10.0.0.5', 2375)).toBe('http://10.0.0.5:2375');
    expect(dockerEndpoint('2001:db8::5', 2376)).toBe('http://[2001:db8::5]:2376');
  });

  it.each([
    ['docker.example.com', 'is not an IP address'],
    ['10.0.0.5:80/x', 'is not an IP address'],
    ['169.254.169.254', 'is not one a Docker host can have'],
    ['0.0.0.0', 'is not one a Docker host can have'],
    ['224.0.0.1', 'is not one a Docker host can have'],
    ['fe80::1', 'is not one a Docker host can have'],
    ['::', 'is not one a Docker host can have'],
  ])('refuses %s: %s', (ip, why) => {
    expect(() => dockerEndpoint(ip, 2375)).toThrow(why);
  });

  it('refuses a port that is no TCP port', () => {
    for (const port of [0, 65536, 1.5, -1]) expect(() => dockerEndpoint('10.0.0.5', port)).toThrow('is not a TCP port');
  });
});
