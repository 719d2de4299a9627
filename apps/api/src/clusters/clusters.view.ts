import { wireTime } from '@grove/core';
import type { ClusterEntity } from '@grove/db';

export interface ClusterViewExtras {
  profileName: string | null;
  /** Member node ids in index order. */
  nodes: string[];
  /** Ids of attached policies. */
  policies: string[];
}

export const toClusterView = (c: ClusterEntity, x: ClusterViewExtras) => ({
  id: c.id,
  name: c.name,
  profile_id: c.profileId,
  profile_name: x.profileName,
  user: c.userId,
  project: c.project,
  domain: c.domain,
  init_at: wireTime(c.initAt),
  created_at: wireTime(c.createdAt),
  updated_at: wireTime(c.updatedAt),
  min_size: c.minSize,
  max_size: c.maxSize,
  desired_capacity: c.desiredCapacity,
  timeout: c.timeout,
  status: c.status,
  status_reason: c.statusReason,
  metadata: c.metadata,
  data: c.data,
  dependents: c.dependents,
  config: c.config,
  nodes: x.nodes,
  policies: x.policies,
});
