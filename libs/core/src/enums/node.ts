export const NODE_STATUSES = [
  'INIT',
  'ACTIVE',
  'ERROR',
  'WARNING',
  'CREATING',
  'UPDATING',
  'DELETING',
  'RECOVERING',
  'OPERATING',
] as const;
export type NodeStatus = (typeof NODE_STATUSES)[number];

export const NODE_BUSY_STATUSES: readonly NodeStatus[] = ['CREATING', 'UPDATING', 'DELETING', 'RECOVERING'];
