export * from './policy-type';
export * from './ports';
export * from './registry';
export * from './deletion/pick-victims';
export * from './load-balancing/load-balancing.policy';
export * from './load-balancing/load-balancing.properties';
export * from './health/health.policy';
export * from './health/health.properties';
