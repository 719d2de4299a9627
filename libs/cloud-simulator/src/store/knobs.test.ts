import { applyKnobs, DEFAULT_KNOBS, serviceKnobs } from './knobs';

describe('knobs', () => {
  it('patches what is given and keeps the rest', () => {
    const k = applyKnobs({ ...DEFAULT_KNOBS, build_time_ms: 5 }, { latency_ms: 10 });
    expect(k).toMatchObject({ latency_ms: 10, build_time_ms: 5 });
  });

  it('replaces everything on PUT', () => {
    expect(applyKnobs({ ...DEFAULT_KNOBS, build_time_ms: 5 }, { latency_ms: 10 }, true)).toEqual({
      ...DEFAULT_KNOBS,
      latency_ms: 10,
    });
  });

  it('merges and drops per-service overrides', () => {
    let k = applyKnobs(DEFAULT_KNOBS, { latency_ms: 3, services: { compute: { latency_ms: 500 } } });
    k = applyKnobs(k, { services: { compute: { failure_rate: 0.5 } } });
    expect(serviceKnobs(k, 'compute')).toEqual({ latency_ms: 500, latency_jitter_ms: 0, failure_rate: 0.5 });
    expect(serviceKnobs(k, 'image')).toEqual({ latency_ms: 3, latency_jitter_ms: 0, failure_rate: 0 });
    k = applyKnobs(k, { services: { compute: null } });
    expect(k.services).toEqual({});
  });

  it('reports every bad knob at once', () => {
    expect(() =>
      applyKnobs(DEFAULT_KNOBS, { latency_ms: -1, build_failure_rate: 1.5, token_ttl_s: 0, what: 1 }),
    ).toThrow(
      "Invalid config: latency_ms must be a number from 0 to 86400000; build_failure_rate must be a number from 0 to 1; token_ttl_s must be a number of seconds above 0; unknown knob 'what'",
    );
  });
});
