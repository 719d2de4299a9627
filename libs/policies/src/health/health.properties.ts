import { S, type PropSchema } from '@grove/core';

export const DETECTION_TYPES = [
  'LIFECYCLE_EVENTS',
  'NODE_STATUS_POLLING',
  'NODE_STATUS_POLL_URL',
  'HYPERVISOR_STATUS_POLLING',
] as const;
export type DetectionType = (typeof DETECTION_TYPES)[number];
export const RECOVERY_CONDITIONALS = ['ALL_FAILED', 'ANY_FAILED'] as const;
export const RECOVERY_ACTIONS = ['REBOOT', 'REBUILD', 'RECREATE'] as const;
export const FENCING_TYPES = ['COMPUTE'] as const;

export interface PollUrlOptions {
  poll_url?: string;
  poll_url_ssl_verify?: boolean;
  poll_url_conn_error_as_unhealthy?: boolean;
  poll_url_healthy_response?: string;
  poll_url_retry_limit?: number;
  poll_url_retry_interval?: number;
}

export interface DetectionMode {
  type: DetectionType;
  /** Filled with defaults when given; `{}` when left out (Senlin's Map default). */
  options: PollUrlOptions;
}

export interface RecoveryAction {
  name: (typeof RECOVERY_ACTIONS)[number];
  params?: Record<string, unknown>;
}

/**
 * The resolved `properties` of a `senlin.policy.health` spec. `detection_modes` and `actions` are
 * optional in Senlin's schema, but its policy breaks without them; checkProperties requires them.
 */
export interface HealthProps {
  detection: {
    interval: number;
    node_update_timeout: number;
    recovery_conditional: (typeof RECOVERY_CONDITIONALS)[number];
    detection_modes?: DetectionMode[];
  };
  recovery: {
    actions?: RecoveryAction[];
    fencing?: (typeof FENCING_TYPES)[number][];
    node_delete_timeout: number;
    node_force_recreate: boolean;
    /** Grove (1.15): a count (`"3"`) or a share (`"20%"`) of the members; more unhealthy at once, and nothing is repaired. */
    max_unhealthy?: string;
  };
}

/** Senlin gives the options map no description; neither does Grove, so the wire matches. */
const undescribed = (s: PropSchema): PropSchema => ({ ...s, description: undefined });

/** Names, types, defaults and constraints follow Senlin's HealthPolicy 1.2 (the wire contract). */
export const HEALTH_PROPERTIES = {
  detection: S.map(
    'How node failures are detected.',
    {
      interval: S.integer('Seconds between two polls of the nodes (polling detection modes).', { default: 60 }),
      node_update_timeout: S.integer(
        'Seconds after a node last changed during which it is not checked (it may still be busy).',
        { default: 300 },
      ),
      recovery_conditional: S.string(
        'With several detection modes: ALL_FAILED recovers a node only when every mode finds it failed, ANY_FAILED when one does.',
        { default: 'ANY_FAILED', allowed: RECOVERY_CONDITIONALS },
      ),
      detection_modes: S.list(
        'The ways node failures are detected.',
        S.map('One way of detecting node failures.', {
          type: S.string('Kind of detection.', { required: true, allowed: DETECTION_TYPES }),
          options: undescribed(
            S.map(
              '',
              {
                poll_url: S.string(
                  'URL polled for each node (NODE_STATUS_POLL_URL); {nodename} is replaced by the node name.',
                  { default: '' },
                ),
                poll_url_ssl_verify: S.boolean('Whether the poll URL’s TLS certificate is verified.', {
                  default: true,
                }),
                poll_url_conn_error_as_unhealthy: S.boolean(
                  'Whether a node whose poll URL cannot be reached counts as failed.',
                  { default: true },
                ),
                poll_url_healthy_response: S.string(
                  'Text that a healthy node’s poll URL response contains (NODE_STATUS_POLL_URL).',
                  { default: '' },
                ),
                poll_url_retry_limit: S.integer(
                  'Polls without the healthy text before a node counts as failed (NODE_STATUS_POLL_URL).',
                  { default: 3 },
                ),
                poll_url_retry_interval: S.integer('Seconds between those polls (NODE_STATUS_POLL_URL).', {
                  default: 3,
                }),
              },
              { default: {} },
            ),
          ),
        }),
      ),
    },
    { required: true },
  ),
  recovery: S.map(
    'How failed nodes are recovered.',
    {
      actions: S.list(
        'The recovery to run on a failed node (one only, for now).',
        S.map('A recovery action.', {
          name: S.string('Which recovery.', { required: true, allowed: RECOVERY_ACTIONS }),
          params: S.map('Parameters of the recovery.'),
        }),
      ),
      fencing: S.list(
        'Services from which a failed node is cut off before recovery.',
        S.string('A service to fence.', { required: true, allowed: FENCING_TYPES }),
      ),
      node_delete_timeout: S.integer(
        'Seconds a RECREATE waits for the old node to be deleted before creating the new one.',
        { default: 20 },
      ),
      node_force_recreate: S.boolean('Whether a RECREATE creates the new node even when deleting the old one failed.', {
        default: false,
      }),
      max_unhealthy: S.string(
        'Grove: the most members (a count, or a percentage such as 20%) that may be unhealthy at once for repairs to go ahead.',
        { grove: true },
      ),
    },
    { required: true },
  ),
};
