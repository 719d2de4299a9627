import { Secret } from '@grove/core';
import { describeIdentityDriver } from '@grove/testing';
import { need } from './support/real-cloud';

// Debian's Keystone from test/clouds/keystone.sh, as Grove's service user.
describeIdentityDriver('Debian’s Keystone', () => ({
  credentials: {
    authUrl: need('KEYSTONE_AUTH_URL'),
    username: need('KEYSTONE_USERNAME'),
    password: new Secret(need('KEYSTONE_PASSWORD')),
    projectName: need('KEYSTONE_PROJECT_NAME'),
    userDomainName: 'Default',
    projectDomainName: 'Default',
    interface: 'public',
  },
  region: 'RegionOne',
}));
