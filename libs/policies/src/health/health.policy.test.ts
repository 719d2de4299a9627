import { renderSchema } from '@grove/core';
import { PolicyRegistry } from '../registry';
import type { BindingContext } from '../policy-type';
import { cluster, contextFor, member, noPorts, withoutDescriptions, specError } from '../test-support';
import { healthPolicy as health } from './health.policy';
import type { HealthProps } from './health.properties';

// senlin_tempest_plugin/common/constants.py spec_health_policy (and its two invalid siblings)
const TEMPEST_SPEC = {
  version: '1.1',
  type: 'senlin.policy.health',
  description: 'A policy for maintaining node health from a cluster.',
  properties: {
    detection: {
      detection_modes: [
        { type: 'NODE_STATUS_POLLING' },
        {
          type: 'NODE_STATUS_POLL_URL',
          options: { poll_url_retry_limit: 3, poll_url: 'http://127.0.0.1:5050', poll_url_retry_interval: 2 },
        },
      ],
      node_update_timeout: 10,
      interval: 10,
    },
    recovery: { node_delete_timeout: 90, actions: [{ name: 'RECREATE' }], node_force_recreate: true },
  },
};
const withModes = (...types: string[]) => ({
  version: '1.1',
  type: 'senlin.policy.health',
  properties: {
    detection: { detection_modes: types.map((type) => ({ type })) },
    recovery: { actions: [{ name: 'RECREATE' }] },
  },
});

const registry = new PolicyRegistry([health as never], { healthCheckIntervalMin: 5 });
const props = registry.validate(TEMPEST_SPEC).properties as unknown as HealthProps;

const bindingCtx = (o: Partial<BindingContext<HealthProps>> = {}): BindingContext<HealthProps> => ({
  cluster: cluster({ members: [member()] }),
  props,
  policy: { id: 'policy-1', name: 'health' },
  enabled: true,
  bindingData: {},
  now: new Date(),
  ports: noPorts,
  signal: new AbortController().signal,
  deadline: new Date(Date.now() + 60_000),
  ...o,
});

describe('senlin.policy.health', () => {
  it('is one of the types Grove knows', () => {
    expect(new PolicyRegistry().has('senlin.policy.health-1.2')).toBe(true);
  });

  it('is registered under every Senlin version', () => {
    expect(registry.keys()).toEqual([
      'senlin.policy.health-1.0',
      'senlin.policy.health-1.1',
      'senlin.policy.health-1.2',
    ]);
    expect(health).toMatchObject({ priority: 600, singleton: true, className: 'HealthPolicy', profileTypes: 'ANY' });
  });

  it("refuses tempest's invalid specs with the messages it matches", () => {
    const refusal = (spec: unknown) => specError(() => registry.validate(spec))?.reason;
    expect(refusal(withModes('NODE_STATUS_POLLING', 'NODE_STATUS_POLLING'))).toMatch(/duplicate detection modes/i);
    expect(refusal(withModes('NODE_STATUS_POLLING', 'LIFECYCLE_EVENTS'))).toMatch(/invalid detection modes/i);
  });

  it("holds tempest's 10 s interval to the deployment's minimum", () => {
    expect(specError(() => new PolicyRegistry([health as never]).validate(TEMPEST_SPEC))?.path).toBe(
      'detection.interval',
    );
  });

  it("shows Senlin's schema on the wire", () => {
    const base = { required: false, updatable: false };
    const str = (o: object = {}) => ({ type: 'String', ...base, ...o });
    const int = (d: number) => ({ type: 'Integer', ...base, default: d });
    const bool = (d: boolean) => ({ type: 'Boolean', ...base, default: d });
    const allowed = (...v: string[]) => ({ constraints: [{ type: 'AllowedValues', constraint: v }] });
    const map = (schema: object | undefined, o: object = {}) => ({
      type: 'Map',
      ...base,
      ...(schema ? { schema } : {}),
      ...o,
    });
    const list = (item: object) => ({ type: 'List', ...base, schema: { '*': item } });
    const rendered = renderSchema(health.properties);
    expect(withoutDescriptions(rendered)).toEqual({
      detection: map(
        {
          interval: int(60),
          node_update_timeout: int(300),
          recovery_conditional: str({ default: 'ANY_FAILED', ...allowed('ALL_FAILED', 'ANY_FAILED') }),
          detection_modes: list(
            map({
              type: str({
                required: true,
                ...allowed(
                  'LIFECYCLE_EVENTS',
                  'NODE_STATUS_POLLING',
                  'NODE_STATUS_POLL_URL',
                  'HYPERVISOR_STATUS_POLLING',
                ),
              }),
              options: map(
                {
                  poll_url: str({ default: '' }),
                  poll_url_ssl_verify: bool(true),
                  poll_url_conn_error_as_unhealthy: bool(true),
                  poll_url_healthy_response: str({ default: '' }),
                  poll_url_retry_limit: int(3),
                  poll_url_retry_interval: int(3),
                },
                { default: {} },
              ),
            }),
          ),
        },
        { required: true },
      ),
      recovery: map(
        {
          actions: list(
            map({ name: str({ required: true, ...allowed('REBOOT', 'REBUILD', 'RECREATE') }), params: map(undefined) }),
          ),
          fencing: list(str({ required: true, ...allowed('COMPUTE') })),
          node_delete_timeout: int(20),
          node_force_recreate: bool(false),
        },
        { required: true },
      ),
    });
    // Senlin's options map has no description; neither has Grove's.
    const modes = (rendered.detection as { schema: Record<string, { schema: { '*': { schema: object } } }> }).schema;
    expect(modes.detection_modes.schema['*'].schema).toMatchObject({
      options: expect.not.objectContaining({ description: expect.anything() }),
    });
  });

  it('attach registers the cluster with the health manager, paused when attached disabled', async () => {
    const result = await health.attach!(bindingCtx({ enabled: false }));
    expect(result).toMatchObject({
      kind: 'ok',
      data: { interval: 10, node_update_timeout: 10, node_delete_timeout: 90, node_force_recreate: true },
      effects: {
        health: {
          register: { checkTypes: ['NODE_STATUS_POLLING', 'NODE_STATUS_POLL_URL'], interval: 10, enabled: false },
        },
      },
    });
  });

  it('attach refuses REBOOT on a cluster of heat stacks', async () => {
    const reboot = { ...props, recovery: { ...props.recovery, actions: [{ name: 'REBOOT' as const }] } };
    const c = cluster({ profileType: 'os.heat.stack-1.0' });
    expect(await health.attach!(bindingCtx({ props: reboot, cluster: c }))).toEqual({
      kind: 'refused',
      reason: 'Recovery action REBOOT is only applicable to os.nova.server clusters.',
    });
  });

  it('detach unregisters, and enabling or disabling the binding resumes or pauses', async () => {
    expect(await health.detach!(bindingCtx())).toMatchObject({ kind: 'ok', effects: { health: { unregister: true } } });
    expect(await health.enabledChanged!(bindingCtx({ enabled: false }))).toMatchObject({
      effects: { health: { enabled: false } },
    });
  });

  it('pauses checks before a shrink and resumes them after; tells a grow how to recover', async () => {
    const c = cluster({ members: [member(), member()] });
    const scaleIn = contextFor(props, { action: 'CLUSTER_SCALE_IN', cluster: c });
    expect(await health.before!(scaleIn)).toEqual({ kind: 'allow', effects: { health: { enabled: false } } });
    expect(await health.after!(scaleIn)).toEqual({ kind: 'allow', effects: { health: { enabled: true } } });
    const grow = contextFor(props, {
      action: 'CLUSTER_RESIZE',
      inputs: { adjustment_type: 'CHANGE_IN_CAPACITY', number: 1, strict: true },
      cluster: c,
    });
    expect(await health.before!(grow)).toEqual({
      kind: 'allow',
      data: { health: { recover_action: [{ name: 'RECREATE' }], fencing: null } },
    });
    expect(await health.before!({ ...scaleIn, preview: true })).toEqual({ kind: 'allow' });
  });

  it('fails a resize that cannot be worked out', async () => {
    const ctx = contextFor(props, {
      action: 'CLUSTER_RESIZE',
      inputs: { adjustment_type: 'EXACT_CAPACITY', number: 0, strict: true },
      cluster: cluster({ members: [member()], minSize: 1 }),
    });
    expect(await health.before!(ctx)).toEqual({
      kind: 'veto',
      reason: "The target capacity (0) is less than the cluster's min_size (1).",
    });
  });
});
