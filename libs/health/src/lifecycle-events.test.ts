import { lifecycleFailure, unwrapOslo } from './lifecycle-events';

const oslo = (n: Record<string, unknown>) => ({ 'oslo.version': '2.0', 'oslo.message': JSON.stringify(n) });
const nova = (event: string, data: Record<string, unknown> = {}) =>
  oslo({
    event_type: event,
    publisher_id: 'nova-compute:host-1',
    priority: 'INFO',
    payload: {
      'nova_object.name': 'InstanceActionPayload',
      'nova_object.data': {
        uuid: 's-1',
        state: 'stopped',
        metadata: { cluster_id: 'c-1', cluster_node_id: 'n-1', cluster_node_index: '1' },
        ...data,
      },
    },
  });

describe('lifecycleFailure', () => {
  it('reads a failed server’s node from a Nova versioned notification', () => {
    expect(lifecycleFailure(nova('instance.power_off.end'))).toEqual({
      clusterId: 'c-1',
      nodeId: 'n-1',
      physicalId: 's-1',
      reason: 'LIFECYCLE_EVENTS: instance.power_off.end',
    });
    expect(lifecycleFailure(nova('instance.delete.end'))?.nodeId).toBe('n-1');
    expect(lifecycleFailure(nova('instance.update', { state: 'error' }))?.reason).toBe(
      'LIFECYCLE_EVENTS: instance.update',
    );
  });

  it('ignores events that report no failure, and servers Grove did not make', () => {
    expect(lifecycleFailure(nova('instance.reboot.end'))).toBeNull();
    expect(lifecycleFailure(nova('instance.update', { state: 'active' }))).toBeNull();
    expect(lifecycleFailure(nova('instance.power_off.end', { metadata: {} }))).toBeNull();
    expect(lifecycleFailure({ 'oslo.version': '2.0', 'oslo.message': '{not json' })).toBeNull();
    expect(lifecycleFailure('text')).toBeNull();
  });

  it('reads a Heat stack notification’s node from its tags', () => {
    const heat = (event: string) =>
      oslo({
        event_type: event,
        payload: { stack_identity: 'st-1', tags: ['cluster_id=c-2', 'cluster_node_id=n-2', 'cluster_node_index=3'] },
      });
    expect(lifecycleFailure(heat('orchestration.stack.delete.end'))).toEqual({
      clusterId: 'c-2',
      nodeId: 'n-2',
      physicalId: 'st-1',
      reason: 'LIFECYCLE_EVENTS: orchestration.stack.delete.end',
    });
    expect(lifecycleFailure(heat('orchestration.stack.update.error'))?.nodeId).toBe('n-2');
    expect(lifecycleFailure(heat('orchestration.stack.update.end'))).toBeNull();
  });

  it('takes a bare notification as well as an enveloped one', () => {
    expect(unwrapOslo({ event_type: 'x' })).toEqual({ event_type: 'x' });
  });
});
