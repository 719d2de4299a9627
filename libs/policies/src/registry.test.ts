import { ResourceNotFound, S, SpecError } from '@grove/core';
import { allow, definePolicyType, veto } from './policy-type';
import { PolicyRegistry } from './registry';
import { contextFor } from './test-support';

const cooldown = definePolicyType<{ seconds: number }>({
  name: 'test.policy.cooldown',
  versions: ['1.0', '1.1'],
  supportStatus: { '1.0': [{ status: 'SUPPORTED', since: '2026.11' }] },
  priority: 100,
  className: 'CooldownPolicy',
  profileTypes: 'ANY',
  singleton: true,
  targets: { before: ['CLUSTER_SCALE_OUT'] },
  properties: { seconds: S.integer('Seconds between scalings.', { default: 60 }) },
  before: (ctx) => (ctx.props.seconds > 0 ? allow({ creation: { count: 1 } }) : veto('cooldown must be positive')),
});

describe('PolicyRegistry', () => {
  const registry = new PolicyRegistry([cooldown as never]);

  it('knows a type under every version', () => {
    expect(registry.keys()).toEqual(['test.policy.cooldown-1.0', 'test.policy.cooldown-1.1']);
  });

  it('validates a spec with Senlin envelope rules and defaults', () => {
    const v = registry.validate({ type: 'test.policy.cooldown', version: '1.1', properties: {} });
    expect(v.properties).toEqual({ seconds: 60 });
    expect(() => registry.validate({ type: 'test.policy.cooldown', version: '1.0', properties: { bogus: 1 } })).toThrow(
      new SpecError('bogus', "Unrecognizable spec item 'bogus'"),
    );
    expect(() => registry.validate({ type: 'test.policy.cooldown', version: '9.9', properties: {} })).toThrow(
      ResourceNotFound,
    );
  });

  it('refuses to start with a key registered twice', () => {
    expect(() => new PolicyRegistry([cooldown as never, cooldown as never])).toThrow(
      /registered as 'test.policy.cooldown-1.0'/,
    );
  });

  it('has hooks that decide rather than mutate', () => {
    const ctx = contextFor({ seconds: 0 }, { action: 'CLUSTER_SCALE_OUT' });
    expect(cooldown.before!(ctx)).toEqual({ kind: 'veto', reason: 'cooldown must be positive' });
  });
});

describe('POLICY_TYPES', () => {
  const registry = new PolicyRegistry();
  const BEFORE_SHRINK_GROW = ['CLUSTER_SCALE_OUT', 'CLUSTER_SCALE_IN', 'CLUSTER_RESIZE', 'NODE_CREATE'];

  // Senlin 14's TARGET, PRIORITY, PROFILE_TYPE, VERSIONS and class names.
  it.each([
    [
      'senlin.policy.scaling-1.0',
      'ScalingPolicy',
      100,
      false,
      'ANY',
      { before: ['CLUSTER_SCALE_IN', 'CLUSTER_SCALE_OUT'], after: ['CLUSTER_SCALE_IN', 'CLUSTER_SCALE_OUT'] },
      { '1.0': [{ status: 'SUPPORTED', since: '2016.04' }] },
    ],
    [
      'senlin.policy.deletion-1.1',
      'DeletionPolicy',
      400,
      true,
      'ANY',
      { before: ['CLUSTER_SCALE_IN', 'CLUSTER_DEL_NODES', 'CLUSTER_RESIZE', 'NODE_DELETE'] },
      { '1.0': [{ status: 'SUPPORTED', since: '2016.04' }], '1.1': [{ status: 'SUPPORTED', since: '2018.01' }] },
    ],
    [
      'senlin.policy.region_placement-1.0',
      'RegionPlacementPolicy',
      200,
      true,
      'ANY',
      { before: BEFORE_SHRINK_GROW },
      {
        '1.0': [
          { status: 'EXPERIMENTAL', since: '2016.04' },
          { status: 'SUPPORTED', since: '2016.10' },
        ],
      },
    ],
    [
      'senlin.policy.zone_placement-1.0',
      'ZonePlacementPolicy',
      300,
      true,
      ['os.nova.server-1.0'],
      { before: BEFORE_SHRINK_GROW },
      {
        '1.0': [
          { status: 'EXPERIMENTAL', since: '2016.04' },
          { status: 'SUPPORTED', since: '2016.10' },
        ],
      },
    ],
    [
      'senlin.policy.batch-1.0',
      'BatchPolicy',
      200,
      true,
      'ANY',
      { before: ['CLUSTER_UPDATE'] },
      { '1.0': [{ status: 'EXPERIMENTAL', since: '2017.02' }] },
    ],
  ])('registers %s as Senlin does', (key, className, priority, singleton, profileTypes, targets, supportStatus) => {
    const t = registry.get(key);
    expect({
      className: t.className,
      priority: t.priority,
      singleton: t.singleton,
      profileTypes: t.profileTypes,
    }).toEqual({ className, priority, singleton, profileTypes });
    expect(t.targets).toEqual(targets);
    expect(t.supportStatus).toEqual(supportStatus);
  });

  it('knows deletion under both versions', () => {
    expect(registry.get('senlin.policy.deletion-1.0')).toBe(registry.get('senlin.policy.deletion-1.1'));
  });
});
