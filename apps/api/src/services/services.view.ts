import { wireTime } from '@grove/core';
import type { ServiceEntity } from '@grove/db';

/** `up` while the heartbeat is younger than SERVICE_DOWN_TIME_S (Senlin's service_down_time). */
export const toServiceView = (s: ServiceEntity, downAfterS: number) => ({
  id: s.id,
  host: s.host,
  binary: s.binary,
  topic: s.topic,
  disabled_reason: s.disabledReason,
  status: s.disabled ? 'disabled' : 'enabled',
  state: Date.now() - s.updatedAt.getTime() <= downAfterS * 1000 ? 'up' : 'down',
  updated_at: wireTime(s.updatedAt),
});
