import type { ActionName } from '@grove/core';
import { resolveSpec } from '@grove/core';
import { cluster, contextFor, member } from '../test-support';
import { attachRefusal, healthBefore, healthBindingData, healthRegistration } from './health-hooks';
import { HEALTH_PROPERTIES, type HealthProps } from './health.properties';

const props = (recovery: Record<string, unknown> = { actions: [{ name: 'RECREATE' }], fencing: ['COMPUTE'] }) =>
  resolveSpec(HEALTH_PROPERTIES, {
    detection: {
      interval: 120,
      detection_modes: [
        { type: 'NODE_STATUS_POLLING' },
        { type: 'NODE_STATUS_POLL_URL', options: { poll_url: 'http://{nodename}/health', poll_url_retry_limit: 5 } },
      ],
    },
    recovery,
  }) as unknown as HealthProps;

const flatPolling = {
  type: 'NODE_STATUS_POLLING',
  poll_url: '',
  poll_url_ssl_verify: true,
  poll_url_conn_error_as_unhealthy: true,
  poll_url_healthy_response: '',
  poll_url_retry_limit: 3,
  poll_url_retry_interval: 3,
};
const flatUrl = {
  ...flatPolling,
  type: 'NODE_STATUS_POLL_URL',
  poll_url: 'http://{nodename}/health',
  poll_url_retry_limit: 5,
};

describe('health policy binding', () => {
  it("keeps Senlin's binding data", () => {
    expect(healthBindingData(props())).toEqual({
      interval: 120,
      node_update_timeout: 300,
      recovery_conditional: 'ANY_FAILED',
      node_delete_timeout: 20,
      node_force_recreate: false,
      detection_modes: [flatPolling, flatUrl],
    });
  });

  it('registers one check type per mode, with the recovery to ask for and the fencing', () => {
    expect(healthRegistration(props(), false)).toEqual({
      register: {
        checkTypes: ['NODE_STATUS_POLLING', 'NODE_STATUS_POLL_URL'],
        interval: 120,
        params: { ...healthBindingData(props()), recover_action: [{ name: 'RECREATE' }], fencing: ['COMPUTE'] },
        enabled: false,
      },
    });
  });

  it.each<[string, string, string | null]>([
    ['RECREATE', 'os.heat.stack-1.0', null],
    ['REBOOT', 'os.nova.server-1.0', null],
    ['REBUILD', 'os.nova.server-1.0', null],
    ['REBOOT', 'os.heat.stack-1.0', 'Recovery action REBOOT is only applicable to os.nova.server clusters.'],
    [
      'REBUILD',
      'container.dockerinc.docker-1.0',
      'Recovery action REBUILD is only applicable to os.nova.server clusters.',
    ],
  ])('%s on a %s cluster: %s', (name, profileType, refusal) => {
    expect(attachRefusal(profileType, props({ actions: [{ name }] }))).toBe(refusal);
  });
});

describe('healthBefore', () => {
  const members = [member(), member(), member()];
  const before = (action: ActionName, o: { inputs?: Record<string, unknown>; data?: Record<string, unknown> } = {}) =>
    healthBefore(contextFor(props(), { action, cluster: cluster({ members, maxSize: 5 }), ...o }));
  const annotate = { health: { recover_action: [{ name: 'RECREATE' }], fencing: ['COMPUTE'] } };

  it.each<ActionName>([
    'CLUSTER_SCALE_IN',
    'CLUSTER_DEL_NODES',
    'NODE_DELETE',
    'CLUSTER_UPDATE',
    'CLUSTER_RECOVER',
    'CLUSTER_REPLACE_NODES',
  ])('pauses the checks during %s', (action) => {
    expect(before(action)).toEqual({ pause: true });
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>, unknown]>([
    ['an earlier deletion decision', {}, { deletion: { count: 1 } }, { pause: true }],
    [
      'a shrink worked out from the request',
      { adjustment_type: 'CHANGE_IN_CAPACITY', number: -1, strict: true },
      {},
      { pause: true },
    ],
    ['a grow', { adjustment_type: 'CHANGE_IN_CAPACITY', number: 2, strict: true }, {}, annotate],
    ['only new bounds', { min_size: 1, strict: true }, {}, annotate],
    [
      'a resize that breaks the bounds',
      { adjustment_type: 'EXACT_CAPACITY', number: 9, strict: true },
      {},
      { error: "The target capacity (9) is greater than the cluster's max_size (5)." },
    ],
  ])('a resize with %s', (_name, inputs, data, expected) => {
    expect(before('CLUSTER_RESIZE', { inputs, data })).toEqual(expected);
  });

  it('says null fencing when none is asked for', () => {
    const ctx = contextFor(props({ actions: [{ name: 'REBOOT' }] }), {
      action: 'CLUSTER_RESIZE',
      inputs: { adjustment_type: 'CHANGE_IN_CAPACITY', number: 1, strict: true },
      cluster: cluster({ members }),
    });
    expect(healthBefore(ctx)).toEqual({ health: { recover_action: [{ name: 'REBOOT' }], fencing: null } });
  });
});
