export * from './health.module';
export * from './health-manager';
export * from './health-decisions';
export type { LocalNotifications } from './lifecycle-consumer';
