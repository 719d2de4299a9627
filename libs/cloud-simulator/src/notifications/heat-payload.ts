import { stackDescription } from '../orchestration/stack.view';
import type { Stack } from '../store/resources';
import { isoTime, type NotificationPriority } from './oslo-message';

/** The stack's owner as the stack's stored context knows it. */
export interface StackOwner {
  userId: string | null;
  userName: string;
}

/**
 * Heat's `orchestration.stack.<action>.<start|end|error>`: the phase follows the status, and a
 * FAILED stack is reported at ERROR priority.
 */
export function stackEvent(stack: Pick<Stack, 'action' | 'status'>): {
  eventType: string;
  priority: NotificationPriority;
} {
  const phase = stack.status === 'IN_PROGRESS' ? 'start' : stack.status === 'COMPLETE' ? 'end' : 'error';
  return {
    eventType: `orchestration.stack.${stack.action.toLowerCase()}.${phase}`,
    priority: phase === 'error' ? 'ERROR' : 'INFO',
  };
}

/**
 * The unversioned body Heat builds for every stack state it stores. Heat's own key names are
 * kept, oddities included: `user_id` holds the user's name and `user_identity` its id, and the
 * creation time is `create_at`.
 */
export function stackPayload(stack: Stack, owner: StackOwner): Record<string, unknown> {
  return {
    tenant_id: stack.projectId,
    user_id: owner.userName,
    user_identity: owner.userId,
    username: owner.userName,
    stack_identity: stack.id,
    stack_name: stack.name,
    state: `${stack.action}_${stack.status}`,
    state_reason: stack.statusReason,
    create_at: isoTime(stack.created),
    // Heat keeps no tag list for a stack made without tags.
    tags: stack.tags.length ? [...stack.tags] : null,
    updated_at: isoTime(stack.updated),
    description: stackDescription(stack),
  };
}
