export * from './action';
export * from './cluster';
export * from './node';
export * from './event';

export const SUPPORT_STATUSES = ['EXPERIMENTAL', 'SUPPORTED', 'DEPRECATED', 'UNSUPPORTED'] as const;
export type SupportStatus = (typeof SUPPORT_STATUSES)[number];
export * from './action-inputs';
