import { eventLevelName, wireTime } from '@grove/core';
import type { EventEntity } from '@grove/db';

export const toEventView = (e: EventEntity) => ({
  id: e.id,
  timestamp: wireTime(e.timestamp),
  oid: e.oid,
  oname: e.oname,
  otype: e.otype,
  cluster_id: e.clusterId ?? '',
  level: eventLevelName(e.level),
  user: e.userId,
  project: e.project,
  action: e.action,
  status: e.status,
  status_reason: e.statusReason,
  meta_data: e.metaData,
});
