import { fixedAddressOn } from './server-address';

const server = {
  addresses: {
    private: [
      { addr: '10.1.0.5', version: 4, type: 'fixed' },
      { addr: '172.24.4.9', version: 4, type: 'floating' },
      { addr: 'fd00::5', version: 6, type: 'fixed' },
      { addr: '10.2.0.7', version: 4, type: 'fixed' },
    ],
    public: [{ addr: '203.0.113.4', version: 4, type: 'fixed' }],
  },
};

describe('fixedAddressOn', () => {
  it('takes the first fixed IPv4 address on the named network, never a floating one', () => {
    expect(fixedAddressOn(server, { networkName: 'private' })).toBe('10.1.0.5');
    expect(fixedAddressOn(server, { networkName: 'public' })).toBe('203.0.113.4');
  });

  it('picks the address inside the given subnet when the network has several', () => {
    expect(fixedAddressOn(server, { networkName: 'private', cidr: '10.2.0.0/24' })).toBe('10.2.0.7');
    expect(fixedAddressOn(server, { networkName: 'private', cidr: '10.3.0.0/16' })).toBeNull();
  });

  it('honours the IP version and answers null where the server has no address', () => {
    expect(fixedAddressOn(server, { networkName: 'private', ipVersion: 6 })).toBe('fd00::5');
    expect(fixedAddressOn(server, { networkName: 'other' })).toBeNull();
    expect(
      fixedAddressOn(
        { addresses: { private: [{ addr: '172.24.4.9', version: 4, type: 'floating' }] } },
        {
          networkName: 'private',
        },
      ),
    ).toBeNull();
  });
});
