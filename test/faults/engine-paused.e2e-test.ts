import { faultTest } from './expect-clean';

// The scenario: libs/testing/src/fault-scenarios.ts; what it must leave: ./expect-clean.ts.
faultTest('engine SIGSTOP for 2× dead-after, 300-node create');
