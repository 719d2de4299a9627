import { describeImageDriver } from '@grove/testing';
import { aliceConnector, need } from './support/real-cloud';

// Debian's Glance from test/clouds/glance.sh, as the tenant alice in project-a (the image is
// public, uploaded by Grove's service user), found through Keystone's catalog.
describeImageDriver('Debian’s Glance', () => ({
  connector: aliceConnector(4),
  region: 'RegionOne',
  image: need('GLANCE_IMAGE_NAME'),
}));
