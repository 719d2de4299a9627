import { describeComputeDriver } from '@grove/testing';
import { aliceConnector, need } from './support/real-cloud';

// Debian's Nova (fake virt driver) from test/clouds/nova.sh, booting from its Glance onto its
// Neutron, as the tenant alice in project-a: the drivers find every service in Keystone's catalog.
describeComputeDriver('Debian’s Nova, fake driver', () => ({
  connector: aliceConnector(4),
  region: 'RegionOne',
  image: need('GLANCE_IMAGE_NAME'),
  network: need('NEUTRON_NETWORK'),
  flavor: { name: need('NOVA_FLAVOR'), id: need('NOVA_FLAVOR_ID') },
  resizeFlavor: need('NOVA_RESIZE_FLAVOR'),
  waitMs: 60_000,
}));
