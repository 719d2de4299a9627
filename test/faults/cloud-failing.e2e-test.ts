import { faultTest } from './expect-clean';

// The scenario: libs/testing/src/fault-scenarios.ts; what it must leave: ./expect-clean.ts.
faultTest('20 % cloud calls failing, 100-node create');
