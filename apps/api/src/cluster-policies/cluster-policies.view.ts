import { wireTime } from '@grove/core';
import type { BoundPolicy } from '@grove/db';

export const toClusterPolicyView = (b: BoundPolicy) => ({
  id: b.binding.id,
  cluster_id: b.binding.clusterId,
  cluster_name: b.clusterName,
  policy_id: b.policy.id,
  policy_name: b.policy.name,
  policy_type: b.policy.type,
  enabled: b.binding.enabled,
  priority: b.binding.priority,
  data: b.binding.data,
  last_op: wireTime(b.binding.lastOp),
});
