import { describeOrchestrationDriver, simulatorConnector, useCloudSimulator } from '@grove/testing';

// The contract test/clouds/orchestration-driver.e2e-test.ts runs against Debian's Heat.
const cloud = useCloudSimulator();
describeOrchestrationDriver('the simulator', () => ({ connect: () => simulatorConnector(cloud), region: 'RegionOne' }));
