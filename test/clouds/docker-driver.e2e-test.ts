import { describeContainerDriver } from '@grove/testing';

const need = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run this through npm run test:clouds`);
  return v;
};

// podman's Docker Engine API from test/clouds/podman.sh, with the image it built.
describeContainerDriver('podman', () => ({ endpoint: need('DOCKER_URL'), image: need('DOCKER_TEST_IMAGE') }));
