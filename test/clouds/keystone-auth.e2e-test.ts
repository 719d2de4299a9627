import { describeKeystoneAuth, startGroveProcesses, type GroveProcesses } from '@grove/testing';

/**
 * Grove's AUTH_MODE=keystone against the real Keystone of test/clouds/keystone.sh (npm run
 * test:clouds starts it and passes its settings), with the built apps as separate processes:
 * the same contract the int tests run against the simulator's Keystone.
 */
const need = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run this through npm run test:clouds`);
  return v;
};
const password = need('GROVE_CLOUDS_PASSWORD');

describeKeystoneAuth(
  'Debian’s Keystone',
  (env) => {
    let grove: GroveProcesses | undefined;
    beforeAll(async () => {
      grove = await startGroveProcesses({ engines: 1, label: 'clouds-ks', env: env('') });
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
  },
  () => ({
    authUrl: need('KEYSTONE_AUTH_URL'),
    service: {
      user: need('KEYSTONE_USERNAME'),
      password: need('KEYSTONE_PASSWORD'),
      project: need('KEYSTONE_PROJECT_NAME'),
    },
    member: { user: 'alice', password, project: 'project-a' },
    other: { user: 'bob', password, project: 'project-b' },
    admin: { user: 'admin', password, project: 'admin' },
  }),
);
