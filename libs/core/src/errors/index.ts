export * from './grove-error';
export * from './cloud-error';
export * from './config-error';
export * from './startup-error';
export * from './quote';
