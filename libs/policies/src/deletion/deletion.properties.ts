import { S } from '@grove/core';
import { DELETION_CRITERIA, type DeletionCriteria } from './pick-victims';

export const HOOK_TYPES = ['zaqar', 'webhook'] as const;

/** A lifecycle hook: `{}` when the spec has none, else every key with its default. */
export interface DeletionHooks {
  type?: (typeof HOOK_TYPES)[number];
  /** `{}` by default; `{queue, url}` once given. */
  params?: { queue?: string; url?: string };
  timeout?: number;
}

/** The resolved `properties` of a `senlin.policy.deletion-1.0` / `-1.1` spec. */
export interface DeletionProps {
  criteria: DeletionCriteria;
  destroy_after_deletion: boolean;
  grace_period: number;
  reduce_desired_capacity: boolean;
  hooks: DeletionHooks;
}

/** Names, types and defaults follow Senlin's DeletionPolicy (the wire contract; `hooks` came with 1.1). */
export const DELETION_PROPERTIES = {
  criteria: S.string('Which healthy nodes go first when nodes must be removed.', {
    default: 'RANDOM',
    allowed: DELETION_CRITERIA,
  }),
  destroy_after_deletion: S.boolean(
    'Delete removed nodes for good; when false they only leave the cluster and live on as orphans.',
    { default: true },
  ),
  grace_period: S.integer('Seconds to wait before removed nodes are deleted.', { default: 0 }),
  reduce_desired_capacity: S.boolean("Lower the cluster's desired capacity by the nodes removed.", {
    default: true,
  }),
  hooks: S.map(
    'A lifecycle hook: removal waits for a message to be answered, or for the timeout.',
    {
      type: S.string('Where the hook message goes.', { default: 'zaqar', allowed: HOOK_TYPES }),
      params: S.map(
        'Where exactly the message goes.',
        {
          queue: S.string('Zaqar queue that receives the message.', { default: '' }),
          url: S.string('URL the message is sent to.', { default: '' }),
        },
        { default: {} },
      ),
      timeout: S.integer('Seconds removal waits for the hook to be answered.', { default: 0 }),
    },
    { default: {} },
  ),
};
