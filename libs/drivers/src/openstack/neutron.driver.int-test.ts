import { describeNetworkDriver, simulatorConnector, useCloudSimulator } from '@grove/testing';

const simulated = useCloudSimulator();
describeNetworkDriver('the simulator', () => ({
  connector: simulatorConnector(simulated),
  region: 'RegionOne',
  network: 'private',
  subnet: 'private-subnet',
  externalNetwork: 'public',
}));
