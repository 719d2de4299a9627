import { describeContainerDriver, useCloudSimulator } from '@grove/testing';

// The simulator's Docker API answers for its `local` host on 127.0.0.1, with the seed's images.
const cloud = useCloudSimulator();
describeContainerDriver('the simulator', () => ({
  endpoint: `http://127.0.0.1:${cloud.dockerPort}`,
  image: 'busybox',
}));
