import { describeCloudOwnership, describeKeystoneAuth, type GroveProcesses, type UseApi } from '@grove/testing';
import { need, realServer, startGroveOnRealCloud } from './support/real-cloud';

/**
 * Grove's AUTH_MODE=keystone against the real Keystone of test/clouds/keystone.sh, its engine on
 * the real Nova, Glance and Neutron through each user's trust (npm run test:clouds starts them and
 * passes their settings), the built apps as separate processes: the same contracts the int tests
 * run against the simulator.
 */
const password = need('GROVE_CLOUDS_PASSWORD');

const useGrove =
  (label: string): UseApi =>
  (env) => {
    let grove: GroveProcesses | undefined;
    beforeAll(async () => {
      grove = await startGroveOnRealCloud(label, env(''));
    }, 120_000);
    afterAll(async () => {
      await grove?.stop();
    }, 60_000);
    return {
      get url() {
        return grove!.apiUrl;
      },
      get simUrl() {
        return grove!.simUrl;
      },
    };
  };

const accounts = () => ({
  authUrl: need('KEYSTONE_AUTH_URL'),
  service: {
    user: need('KEYSTONE_USERNAME'),
    password: need('KEYSTONE_PASSWORD'),
    project: need('KEYSTONE_PROJECT_NAME'),
  },
  member: { user: 'alice', password, project: 'project-a' },
  other: { user: 'bob', password, project: 'project-b' },
  admin: { user: 'admin', password, project: 'admin' },
  server: realServer(),
});

describeKeystoneAuth('Debian’s Keystone', useGrove('clouds-ks'), accounts);

describeCloudOwnership('Debian’s Keystone, Nova and Neutron', useGrove('clouds-owner'), accounts, {
  flavor: need('NOVA_FLAVOR'),
  image: need('GLANCE_IMAGE_NAME'),
  network: need('NEUTRON_NETWORK'),
  externalNetwork: need('NEUTRON_EXTERNAL_NETWORK'),
});
