import { maxUnhealthyOf, SpecError } from '@grove/core';
import type { DetectionMode, DetectionType, HealthProps } from './health.properties';

const POLLING: readonly DetectionType[] = ['NODE_STATUS_POLLING', 'NODE_STATUS_POLL_URL', 'HYPERVISOR_STATUS_POLLING'];

/** A detection mode as Senlin keeps it: the type and every poll-URL option, defaults filled in. */
export interface FlatDetectionMode {
  type: DetectionType;
  poll_url: string;
  poll_url_ssl_verify: boolean;
  poll_url_conn_error_as_unhealthy: boolean;
  poll_url_healthy_response: string;
  poll_url_retry_limit: number;
  poll_url_retry_interval: number;
}

/**
 * Senlin's DetectionMode tuple, which binding data and the health registry carry. Senlin leaves
 * the retry limit and interval as '' when `options` is left out altogether; Grove fills in the
 * schema's defaults (3 and 3), which is what the options would say if given empty.
 */
export function flatMode(m: DetectionMode): FlatDetectionMode {
  const o = m.options ?? {};
  return {
    type: m.type,
    poll_url: o.poll_url ?? '',
    poll_url_ssl_verify: o.poll_url_ssl_verify ?? true,
    poll_url_conn_error_as_unhealthy: o.poll_url_conn_error_as_unhealthy ?? true,
    poll_url_healthy_response: o.poll_url_healthy_response ?? '',
    poll_url_retry_limit: o.poll_url_retry_limit ?? 3,
    poll_url_retry_interval: o.poll_url_retry_interval ?? 3,
  };
}

/**
 * Senlin's HealthPolicy.validate, in its order, with its messages: one recovery action at most,
 * an interval no shorter than the configured minimum (`health_check_interval_min`, 60 by default;
 * tempest's own health spec polls every 10 s, so its deployment lowers it), polling modes combined freely but
 * LIFECYCLE_EVENTS only alone, and no mode twice (the same type with the same options). Senlin
 * fails with an internal error when `detection_modes` or `actions` is left out; Grove says it is
 * required.
 */
export function checkHealthProps(props: HealthProps, intervalMin: number): void {
  const { detection, recovery } = props;
  if (!detection.detection_modes) {
    throw new SpecError('detection.detection_modes', "Required spec item 'detection.detection_modes' not provided");
  }
  if (!recovery.actions) throw new SpecError('recovery.actions', "Required spec item 'recovery.actions' not provided");
  if (recovery.actions.length > 1) {
    throw new SpecError('recovery.actions', "Only one 'actions' is supported for now.");
  }
  if (detection.interval < intervalMin) {
    throw new SpecError(
      'detection.interval',
      `Specified interval of ${detection.interval} seconds has to be larger than health_check_interval_min of ${intervalMin} seconds set in configuration.`,
    );
  }
  const modes = detection.detection_modes.map(flatMode);
  const types = modes.map((m) => m.type).join(', ');
  const polling = modes.every((m) => POLLING.includes(m.type));
  const lifecycle = modes.length === 1 && modes[0].type === 'LIFECYCLE_EVENTS';
  if (!polling && !lifecycle) {
    throw new SpecError('detection.detection_modes', `Invalid detection modes in health policy: ${types}`);
  }
  if (new Set(modes.map((m) => JSON.stringify(m))).size !== modes.length) {
    throw new SpecError(
      'detection.detection_modes',
      `Duplicate detection modes are not allowed in health policy: ${types}`,
    );
  }
  if (recovery.max_unhealthy !== undefined && maxUnhealthyOf(recovery.max_unhealthy, 1) === null) {
    throw new SpecError(
      'recovery.max_unhealthy',
      `The max_unhealthy '${recovery.max_unhealthy}' is neither a count (3) nor a percentage from 0% to 100% (20%).`,
    );
  }
}
