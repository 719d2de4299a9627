import { combine, isCheckable, recoverInputs, repairSlots } from './health-decisions';

describe('isCheckable', () => {
  const now = new Date('2026-12-02T12:00:00Z');
  const ago = (s: number) => new Date(now.getTime() - s * 1000);

  it('checks settled ACTIVE, ERROR and WARNING nodes', () => {
    for (const status of ['ACTIVE', 'ERROR', 'WARNING'])
      expect(isCheckable({ status, changedAt: ago(301) }, 300, now)).toBe(true);
  });

  it('leaves nodes an action works on, and nodes changed within node_update_timeout', () => {
    for (const status of ['CREATING', 'DELETING', 'RECOVERING', 'UPDATING', 'INIT'])
      expect(isCheckable({ status, changedAt: ago(3600) }, 300, now)).toBe(false);
    expect(isCheckable({ status: 'ACTIVE', changedAt: ago(299) }, 300, now)).toBe(false);
  });
});

describe('combine', () => {
  const failed = (reason: string) => ({ failed: true as const, reason });
  const healthy = { failed: false as const };

  it('ANY_FAILED: one mode finding the node failed is enough, and the reason names it', () => {
    expect(
      combine(
        [
          { mode: 'NODE_STATUS_POLLING', verdict: failed('ERROR') },
          { mode: 'NODE_STATUS_POLL_URL', verdict: healthy },
        ],
        'ANY_FAILED',
      ),
    ).toEqual({ failed: true, reason: 'NODE_STATUS_POLLING: ERROR' });
  });

  it('ALL_FAILED: every mode with a verdict must find it failed; no verdict at all is no failure', () => {
    const one = { mode: 'A', verdict: failed('x') };
    expect(combine([one, { mode: 'B', verdict: healthy }], 'ALL_FAILED')).toEqual({ failed: false });
    expect(combine([one, { mode: 'B', verdict: null }], 'ALL_FAILED')).toEqual({ failed: true, reason: 'A: x' });
    expect(combine([{ mode: 'A', verdict: null }], 'ALL_FAILED')).toEqual({ failed: false });
    expect(combine([{ mode: 'A', verdict: null }], 'ANY_FAILED')).toEqual({ failed: false });
  });
});

describe('recoverInputs', () => {
  it('asks for the first recovery action with its params, the delete timeout and the force flag', () => {
    expect(
      recoverInputs({
        recover_action: [{ name: 'REBUILD', params: { image: 'x' } }, { name: 'RECREATE' }],
        node_delete_timeout: 20,
        node_force_recreate: true,
      }),
    ).toEqual({ operation: 'REBUILD', operation_params: { image: 'x' }, delete_timeout: 20, force_recreate: true });
  });

  it('fences the old server when the policy fences COMPUTE', () => {
    expect(recoverInputs({ recover_action: [{ name: 'RECREATE' }], fencing: ['COMPUTE'] })).toEqual({
      operation: 'RECREATE',
      operation_params: { fence_compute: true },
    });
  });

  it('recreates when the policy names no action', () => {
    expect(recoverInputs({ recover_action: [] })).toEqual({ operation: 'RECREATE' });
  });
});

describe('repairSlots', () => {
  it('keeps the nodes out of service at once within what the cluster can lose above its min_size', () => {
    expect(repairSlots({ members: 10, minSize: 8, inRepair: 0, cap: null })).toBe(2);
    expect(repairSlots({ members: 10, minSize: 8, inRepair: 1, cap: null })).toBe(1);
    expect(repairSlots({ members: 10, minSize: 8, inRepair: 2, cap: null })).toBe(0);
    expect(repairSlots({ members: 10, minSize: 0, inRepair: 0, cap: null })).toBe(10);
  });

  it('still repairs one node at a time in a cluster at its floor', () => {
    expect(repairSlots({ members: 3, minSize: 3, inRepair: 0, cap: null })).toBe(1);
    expect(repairSlots({ members: 3, minSize: 3, inRepair: 1, cap: null })).toBe(0);
  });

  it('never starts more than max_unhealthy allows', () => {
    expect(repairSlots({ members: 20, minSize: 0, inRepair: 0, cap: 4 })).toBe(4);
    expect(repairSlots({ members: 20, minSize: 0, inRepair: 3, cap: 4 })).toBe(1);
    expect(repairSlots({ members: 20, minSize: 0, inRepair: 5, cap: 4 })).toBe(0);
  });
});
