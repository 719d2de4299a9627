import { wireTime } from '@grove/core';
import type { PolicyEntity } from '@grove/db';

export const toPolicyView = (p: PolicyEntity) => ({
  id: p.id,
  name: p.name,
  type: p.type,
  user: p.userId,
  project: p.project,
  domain: p.domain,
  spec: p.spec,
  data: p.data,
  created_at: wireTime(p.createdAt),
  updated_at: wireTime(p.updatedAt),
});
