import { faultTest } from './expect-clean';

// The scenario: libs/testing/src/fault-scenarios.ts; what it must leave: ./expect-clean.ts.
faultTest('engine SIGKILL, 100-node scale-in');
