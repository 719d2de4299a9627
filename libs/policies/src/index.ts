export * from './policy-type';
export * from './ports';
export * from './registry';
export * from './deletion/pick-victims';
