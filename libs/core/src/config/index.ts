export * from './load-config';
export * from './common-config';
export * from './api-config';
export * from './cloud-config';
export * from './engine-config';
export * from './health-config';
export * from './simulator-config';
