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
