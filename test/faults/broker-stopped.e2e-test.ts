import { faultTest } from './expect-clean';

// The scenario: libs/testing/src/fault-scenarios.ts; what it must leave: ./expect-clean.ts.
faultTest('RabbitMQ stopped 10 s, 100-node scale-out');
