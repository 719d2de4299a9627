import { redactSecrets, wireTime } from '@grove/core';
import type { ProfileEntity } from '@grove/db';

export const toProfileView = (p: ProfileEntity) => ({
  id: p.id,
  name: p.name,
  type: p.type,
  user: p.userId,
  project: p.project,
  domain: p.domain,
  // A spec may carry a server's admin password; it never comes back out.
  spec: redactSecrets(p.spec),
  metadata: p.metadata,
  created_at: wireTime(p.createdAt),
  updated_at: wireTime(p.updatedAt),
});
