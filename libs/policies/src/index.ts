export * from './policy-type';
export * from './ports';
export * from './registry';
