export * from './policy-type';
export * from './registry';
