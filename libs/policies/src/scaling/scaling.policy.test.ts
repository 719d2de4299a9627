import type { ActionName } from '@grove/core';
import { cluster, contextFor, member } from '../test-support';
import { scalingPolicy } from './scaling.policy';
import type { ScalingAdjustment, ScalingProps } from './scaling.properties';

const props = (event: ScalingProps['event'], a: Partial<ScalingAdjustment> = {}): ScalingProps => ({
  event,
  adjustment: { type: 'CHANGE_IN_CAPACITY', number: 1, min_step: 1, best_effort: false, cooldown: 0, ...a },
});
const threeNodes = cluster({ minSize: 1, maxSize: 5, members: [member(), member(), member()] });
const now = new Date(Date.UTC(2026, 5, 1, 12, 0, 0));
type Options = Omit<Parameters<typeof contextFor>[1], 'action'>;
const before = async (p: ScalingProps, action: ActionName, o: Options = {}) =>
  scalingPolicy.before!(contextFor(p, { cluster: threeNodes, now, ...o, action }));

describe('senlin.policy.scaling BEFORE', () => {
  it('sizes a scale-out into data.creation, keeping what is there', async () => {
    expect(
      await before(props('CLUSTER_SCALE_OUT', { number: 2 }), 'CLUSTER_SCALE_OUT', {
        data: { creation: { zones: { a: 1 } } },
      }),
    ).toEqual({ kind: 'allow', data: { creation: { zones: { a: 1 }, count: 2 } } });
  });

  it('sizes a scale-in into data.deletion', async () => {
    expect(await before(props('CLUSTER_SCALE_IN'), 'CLUSTER_SCALE_IN', { inputs: { count: 2 } })).toEqual({
      kind: 'allow',
      data: { deletion: { count: 2 } },
    });
  });

  it('computes the count from the current members', async () => {
    const decision = await before(
      props('CLUSTER_SCALE_OUT', { type: 'EXACT_CAPACITY', number: 5 }),
      'CLUSTER_SCALE_OUT',
    );
    expect(decision).toEqual({ kind: 'allow', data: { creation: { count: 2 } } });
  });

  it('leaves actions of the other event alone, cooldown or not', async () => {
    const p = props('CLUSTER_SCALE_OUT', { cooldown: 600 });
    expect(await before(p, 'CLUSTER_SCALE_IN', { binding: { lastOp: now } })).toEqual({ kind: 'allow' });
  });

  it("vetoes during the cooldown with Senlin's words", async () => {
    const p = props('CLUSTER_SCALE_IN', { cooldown: 60 });
    const lastOp = new Date(now.getTime() - 30_000);
    expect(await before(p, 'CLUSTER_SCALE_IN', { binding: { policyId: 'policy-42', lastOp } })).toEqual({
      kind: 'veto',
      reason: 'Policy policy-42 cooldown is still in progress.',
    });
    const later = new Date(now.getTime() - 61_000);
    expect((await before(p, 'CLUSTER_SCALE_IN', { binding: { lastOp: later } })).kind).toBe('allow');
  });

  it('vetoes a bad count or a size past the limits', async () => {
    expect(await before(props('CLUSTER_SCALE_OUT'), 'CLUSTER_SCALE_OUT', { inputs: { count: 'x' } })).toEqual({
      kind: 'veto',
      reason: "Invalid count (x) for action 'CLUSTER_SCALE_OUT'.",
    });
    expect(await before(props('CLUSTER_SCALE_OUT'), 'CLUSTER_SCALE_OUT', { inputs: { count: 3 } })).toEqual({
      kind: 'veto',
      reason: "The target capacity (6) is greater than the cluster's max_size (5).",
    });
  });

  it('scales as far as it can with best_effort', async () => {
    expect(
      await before(props('CLUSTER_SCALE_IN', { best_effort: true }), 'CLUSTER_SCALE_IN', { inputs: { count: 5 } }),
    ).toEqual({
      kind: 'allow',
      data: { deletion: { count: 2 } },
    });
  });

  it('reads a missing adjustment as the defaults (one node)', async () => {
    expect(await before({ event: 'CLUSTER_SCALE_OUT' }, 'CLUSTER_SCALE_OUT')).toEqual({
      kind: 'allow',
      data: { creation: { count: 1 } },
    });
  });
});

describe('senlin.policy.scaling AFTER', () => {
  it.each([
    ['its own event', 'CLUSTER_SCALE_IN', 'SUCCEEDED'],
    ['the other event', 'CLUSTER_SCALE_OUT', 'SUCCEEDED'],
    ['a failed action', 'CLUSTER_SCALE_IN', 'FAILED'],
  ] as const)('restarts the cooldown after %s', (_name, action, status) => {
    const ctx = contextFor(props('CLUSTER_SCALE_IN', { cooldown: 60 }), {
      action,
      outcome: { status, outputs: {} },
    });
    expect(scalingPolicy.after!(ctx)).toEqual({ kind: 'allow', data: undefined, effects: { stampLastOp: true } });
  });
});
