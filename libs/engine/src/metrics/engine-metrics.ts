import { counter, histogram } from '@grove/core';
import type { ActionEntity } from '@grove/db';

const actionsEnded = counter('grove_actions_total', 'Actions that ended, by name and final status.', [
  'action',
  'status',
]);
const actionSeconds = histogram(
  'grove_action_duration_seconds',
  'Seconds from an action starting to its end, by name and final status.',
  ['action', 'status'],
  [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600],
);

export function recordActionEnd(a: ActionEntity, status: string): void {
  actionsEnded.inc({ action: a.action, status });
  if (a.startTime) actionSeconds.observe({ action: a.action, status }, (Date.now() - a.startTime.getTime()) / 1000);
}
