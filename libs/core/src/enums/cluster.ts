export const CLUSTER_STATUSES = [
  'INIT',
  'ACTIVE',
  'CREATING',
  'UPDATING',
  'RESIZING',
  'DELETING',
  'CHECKING',
  'RECOVERING',
  'CRITICAL',
  'ERROR',
  'WARNING',
  'OPERATING',
] as const;
export type ClusterStatus = (typeof CLUSTER_STATUSES)[number];

/** A cluster in one of these statuses is being changed; deleting it needs `force`. */
export const CLUSTER_BUSY_STATUSES: readonly ClusterStatus[] = ['CREATING', 'UPDATING', 'DELETING', 'RECOVERING'];
