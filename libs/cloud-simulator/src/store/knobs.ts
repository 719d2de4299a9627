import { badRequest, SERVICES, type CloudService } from '../http/api-error';

/** Overrides for one service; unset fields fall back to the global knobs. */
export interface ServiceKnobs {
  latency_ms?: number;
  latency_jitter_ms?: number;
  failure_rate?: number;
}

/** The admin knobs (`/admin/config`). Their current values live in the store, so every request sees a change at once. */
export interface SimulatorKnobs {
  /** Added before every response of the cloud APIs. */
  latency_ms: number;
  /** A random extra delay from 0 to this, on top of latency_ms. */
  latency_jitter_ms: number;
  /** BUILD → ACTIVE (and stack CREATE/UPDATE, load balancer PENDING_CREATE) takes this long; 0 means ACTIVE on the first read. */
  build_time_ms: number;
  /** A delete takes this long before the resource is gone. */
  delete_time_ms: number;
  /** Reboot, rebuild, resize, start, stop… (and a load balancer's PENDING_UPDATE) stay in their transitional state this long. */
  action_time_ms: number;
  /** The share (0..1) of requests that fail before doing anything, in one of the failure_kinds. */
  failure_rate: number;
  /**
   * How a request picked by failure_rate fails, one kind drawn at random per failure: an HTTP
   * status ('500', '502', '503', '504', or '429' with `Retry-After: 1`), or 'timeout' (no answer
   * until the client gives up, at most a minute, then the connection is dropped).
   */
  failure_kinds: FailureKind[];
  /** The share (0..1) of server builds (and load balancer creations) that end in ERROR. */
  build_failure_rate: number;
  /** Lifetime of Keystone tokens issued from now on. */
  token_ttl_s: number;
  services: Partial<Record<CloudService, ServiceKnobs>>;
}

export const FAILURE_KINDS = ['500', '502', '503', '504', '429', 'timeout'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export const DEFAULT_KNOBS: SimulatorKnobs = Object.freeze({
  latency_ms: 0,
  latency_jitter_ms: 0,
  build_time_ms: 0,
  delete_time_ms: 0,
  action_time_ms: 0,
  failure_rate: 0,
  failure_kinds: ['503'],
  build_failure_rate: 0,
  token_ttl_s: 3600,
  services: {},
}) as SimulatorKnobs;

/** A change to the knobs: any subset; a service set to null loses its overrides. */
export type KnobsPatch = Partial<Omit<SimulatorKnobs, 'services'>> & {
  services?: Partial<Record<CloudService, ServiceKnobs | null>>;
};

const DURATIONS = ['latency_ms', 'latency_jitter_ms', 'build_time_ms', 'delete_time_ms', 'action_time_ms'] as const;
const RATES = ['failure_rate', 'build_failure_rate'] as const;
const SERVICE_KEYS = ['latency_ms', 'latency_jitter_ms', 'failure_rate'] as const;
/** A day: anything longer is a typo, and would hold connections open past any client timeout. */
const MAX_MS = 86_400_000;

function checkNumber(problems: string[], path: string, v: unknown, max: number): v is number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max) {
    problems.push(`${path} must be a number from 0 to ${max}`);
    return false;
  }
  return true;
}

/**
 * The knobs after applying `patch` to `base` (PATCH), or to the defaults when `replace` is set
 * (PUT). Every bad field is reported in one 400.
 */
export function applyKnobs(base: SimulatorKnobs, patch: unknown, replace = false): SimulatorKnobs {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch))
    throw badRequest('The body must be a JSON object of knobs');
  const start = replace ? DEFAULT_KNOBS : base;
  const next: SimulatorKnobs = { ...start, services: { ...start.services } };
  const problems: string[] = [];
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if ((DURATIONS as readonly string[]).includes(key)) {
      if (checkNumber(problems, key, value, MAX_MS)) next[key as (typeof DURATIONS)[number]] = value;
    } else if ((RATES as readonly string[]).includes(key)) {
      if (checkNumber(problems, key, value, 1)) next[key as (typeof RATES)[number]] = value;
    } else if (key === 'failure_kinds') {
      if (
        Array.isArray(value) &&
        value.length > 0 &&
        value.every((k) => (FAILURE_KINDS as readonly unknown[]).includes(k))
      ) {
        next.failure_kinds = [...(value as FailureKind[])];
      } else {
        problems.push(`failure_kinds must be a non-empty list of ${FAILURE_KINDS.join(', ')}`);
      }
    } else if (key === 'token_ttl_s') {
      if (typeof value === 'number' && value > 0 && value <= 10 * 365 * 86_400) next.token_ttl_s = value;
      else problems.push('token_ttl_s must be a number of seconds above 0');
    } else if (key === 'services') {
      applyServices(next, value, problems);
    } else {
      problems.push(`unknown knob '${key}'`);
    }
  }
  if (problems.length) throw badRequest(`Invalid config: ${problems.join('; ')}`);
  return next;
}

function applyServices(next: SimulatorKnobs, value: unknown, problems: string[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push('services must be an object keyed by service');
    return;
  }
  for (const [service, overrides] of Object.entries(value as Record<string, unknown>)) {
    if (!(SERVICES as readonly string[]).includes(service)) {
      problems.push(`services.${service}: unknown service (one of ${SERVICES.join(', ')})`);
      continue;
    }
    const name = service as CloudService;
    if (overrides === null) {
      delete next.services[name];
      continue;
    }
    if (typeof overrides !== 'object' || Array.isArray(overrides)) {
      problems.push(`services.${service} must be an object or null`);
      continue;
    }
    const merged: ServiceKnobs = { ...next.services[name] };
    for (const [key, v] of Object.entries(overrides as Record<string, unknown>)) {
      if (!(SERVICE_KEYS as readonly string[]).includes(key)) {
        problems.push(`services.${service}.${key}: unknown (one of ${SERVICE_KEYS.join(', ')})`);
      } else if (v === null) {
        delete merged[key as keyof ServiceKnobs];
      } else if (checkNumber(problems, `services.${service}.${key}`, v, key === 'failure_rate' ? 1 : MAX_MS)) {
        merged[key as keyof ServiceKnobs] = v;
      }
    }
    next.services[name] = merged;
  }
}

/** The effective latency, jitter and failure rate of one service. */
export function serviceKnobs(k: SimulatorKnobs, service: CloudService): Required<ServiceKnobs> {
  const o = k.services[service];
  return {
    latency_ms: o?.latency_ms ?? k.latency_ms,
    latency_jitter_ms: o?.latency_jitter_ms ?? k.latency_jitter_ms,
    failure_rate: o?.failure_rate ?? k.failure_rate,
  };
}
