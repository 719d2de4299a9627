import { describeContainerDriver } from '@grove/testing';
import { need } from './support/real-cloud';

// podman's Docker Engine API from test/clouds/podman.sh on its unix socket, with the image it built.
describeContainerDriver('podman', () => ({
  endpoint: 'http://localhost',
  socketPath: need('DOCKER_SOCKET'),
  image: need('DOCKER_TEST_IMAGE'),
}));
