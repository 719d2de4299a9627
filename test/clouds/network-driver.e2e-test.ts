import { describeNetworkDriver } from '@grove/testing';
import { aliceConnector, need } from './support/real-cloud';

// Debian's Neutron from test/clouds/neutron.sh, as the tenant alice in project-a: the shared
// network `private` and the external `public`, found through Keystone's catalog.
describeNetworkDriver('Debian’s Neutron', () => ({
  connector: aliceConnector(4),
  region: 'RegionOne',
  network: need('NEUTRON_NETWORK'),
  subnet: need('NEUTRON_SUBNET'),
  externalNetwork: need('NEUTRON_EXTERNAL_NETWORK'),
}));
