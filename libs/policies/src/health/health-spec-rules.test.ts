import { resolveSpec } from '@grove/core';
import { specError } from '../test-support';
import { checkHealthProps, flatMode } from './health-spec-rules';
import { HEALTH_PROPERTIES, type HealthProps } from './health.properties';

const resolve = (
  detection: Record<string, unknown>,
  recovery: Record<string, unknown> = { actions: [{ name: 'RECREATE' }] },
) => resolveSpec(HEALTH_PROPERTIES, { detection, recovery }) as unknown as HealthProps;
const check = (props: HealthProps, min = 60) => specError(() => checkHealthProps(props, min));
const modes = (...types: string[]) => ({ detection_modes: types.map((type) => ({ type })) });

describe('health spec rules', () => {
  it.each<[string, Record<string, unknown>]>([
    ['one polling mode', modes('NODE_STATUS_POLLING')],
    ['polling modes combined', modes('NODE_STATUS_POLLING', 'NODE_STATUS_POLL_URL', 'HYPERVISOR_STATUS_POLLING')],
    ['lifecycle events alone', modes('LIFECYCLE_EVENTS')],
    ['no mode at all (Senlin accepts it)', { detection_modes: [] }],
    [
      'two poll URLs that differ',
      {
        detection_modes: [
          { type: 'NODE_STATUS_POLL_URL', options: { poll_url: 'http://a' } },
          { type: 'NODE_STATUS_POLL_URL', options: { poll_url: 'http://b' } },
        ],
      },
    ],
  ])('accepts %s', (_name, detection) => {
    expect(check(resolve(detection))).toBeNull();
  });

  // The messages tempest's test_health_policy matches: '.*(?i)duplicate detection modes.*' and
  // '.*(?i)invalid detection modes.*' (spec_health_policy_duplicate_type, _invalid_combo).
  it.each<[string, Record<string, unknown>, string]>([
    [
      'lifecycle events with polling (tempest invalid_combo)',
      modes('NODE_STATUS_POLLING', 'LIFECYCLE_EVENTS'),
      'Invalid detection modes in health policy: NODE_STATUS_POLLING, LIFECYCLE_EVENTS',
    ],
    [
      'lifecycle events twice',
      modes('LIFECYCLE_EVENTS', 'LIFECYCLE_EVENTS'),
      'Invalid detection modes in health policy: LIFECYCLE_EVENTS, LIFECYCLE_EVENTS',
    ],
    [
      'the same mode twice (tempest duplicate_type)',
      modes('NODE_STATUS_POLLING', 'NODE_STATUS_POLLING'),
      'Duplicate detection modes are not allowed in health policy: NODE_STATUS_POLLING, NODE_STATUS_POLLING',
    ],
    [
      'the same poll URL twice, once with its defaults spelled out',
      {
        detection_modes: [
          { type: 'NODE_STATUS_POLL_URL', options: {} },
          { type: 'NODE_STATUS_POLL_URL', options: { poll_url_retry_limit: 3 } },
        ],
      },
      'Duplicate detection modes are not allowed in health policy: NODE_STATUS_POLL_URL, NODE_STATUS_POLL_URL',
    ],
  ])('refuses %s', (_name, detection, reason) => {
    expect(check(resolve(detection))).toEqual({ path: 'detection.detection_modes', reason });
  });

  it('refuses more than one recovery action before anything else', () => {
    const props = resolve(
      { interval: 1, ...modes('LIFECYCLE_EVENTS', 'LIFECYCLE_EVENTS') },
      { actions: [{ name: 'REBOOT' }, { name: 'RECREATE' }] },
    );
    expect(check(props)).toEqual({ path: 'recovery.actions', reason: "Only one 'actions' is supported for now." });
  });

  it.each([
    [59, 60, false],
    [60, 60, true],
    [10, 5, true],
  ])('interval %i with a minimum of %i passes: %s', (interval, min, ok) => {
    const found = check(resolve({ interval, ...modes('NODE_STATUS_POLLING') }), min);
    expect(found).toEqual(
      ok
        ? null
        : {
            path: 'detection.interval',
            reason: `Specified interval of ${interval} seconds has to be larger than health_check_interval_min of ${min} seconds set in configuration.`,
          },
    );
  });

  it('requires detection modes and recovery actions, without which Senlin breaks', () => {
    expect(check(resolve({}))).toEqual({
      path: 'detection.detection_modes',
      reason: "Required spec item 'detection.detection_modes' not provided",
    });
    expect(check(resolve(modes('NODE_STATUS_POLLING'), {}))).toEqual({
      path: 'recovery.actions',
      reason: "Required spec item 'recovery.actions' not provided",
    });
  });

  it('flattens a detection mode the way Senlin keeps it', () => {
    expect(flatMode({ type: 'NODE_STATUS_POLL_URL', options: { poll_url: 'http://x/{nodename}' } })).toEqual({
      type: 'NODE_STATUS_POLL_URL',
      poll_url: 'http://x/{nodename}',
      poll_url_ssl_verify: true,
      poll_url_conn_error_as_unhealthy: true,
      poll_url_healthy_response: '',
      poll_url_retry_limit: 3,
      poll_url_retry_interval: 3,
    });
  });
});
