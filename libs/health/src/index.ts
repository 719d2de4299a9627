export * from './health.module';
export * from './health-manager';
export * from './health-decisions';
