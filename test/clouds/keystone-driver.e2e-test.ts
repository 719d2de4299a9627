import { Secret } from '@grove/core';
import { describeIdentityDriver } from '@grove/testing';

const need = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run this through npm run test:clouds`);
  return v;
};

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
