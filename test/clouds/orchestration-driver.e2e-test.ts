import { describeOrchestrationDriver } from '@grove/testing';
import { aliceConnector, need } from './support/real-cloud';

// Debian's Heat from test/clouds/heat.sh, as the tenant alice: its endpoint comes from the catalog.
describeOrchestrationDriver('Debian’s Heat', () => ({
  connect: () => aliceConnector(8),
  region: need('HEAT_REGION'),
}));
