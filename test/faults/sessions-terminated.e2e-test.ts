import { faultTest } from './expect-clean';

// The scenario: libs/testing/src/fault-scenarios.ts; what it must leave: ./expect-clean.ts.
faultTest('Postgres sessions terminated ×3, 100-node scale-out');
