import { describeImageDriver, simulatorConnector, useCloudSimulator } from '@grove/testing';

const simulated = useCloudSimulator();
describeImageDriver('the simulator', () => ({
  connector: simulatorConnector(simulated),
  region: 'RegionOne',
  image: 'cirros-0.6.2-x86_64-disk',
}));
