import type { ActionEntity, EventEntity, NodeEntity } from '@grove/db';
import { eventTypeOf, toNotification, verbOf } from './notification';

const event = (o: Partial<EventEntity> = {}): EventEntity => ({
  id: 'e1',
  timestamp: new Date('2026-11-23T10:00:00.123Z'),
  oid: 'n1',
  oname: 'node-1',
  otype: 'NODE',
  clusterId: 'c1',
  level: 20,
  userId: 'u1',
  project: 'p1',
  action: 'NODE_CREATE',
  status: 'end',
  statusReason: 'done',
  metaData: {},
  actionId: 'a1',
  ...o,
});

const none = () => ({ actions: new Map(), clusters: new Map(), nodes: new Map() });

describe('notification event types', () => {
  it.each([
    ['CLUSTER_SCALE_OUT', 'scale_out'],
    ['CLUSTER_CREATE', 'create'],
    ['NODE_DELETE', 'delete'],
    ['CLUSTER_ATTACH_POLICY', 'attach_policy'],
    ['reboot', 'reboot'], // an operation's events carry its name
    [null, 'event'],
  ])('names the verb of %s %s, as Senlin does', (action, verb) => {
    expect(verbOf(action)).toBe(verb);
  });

  it('is object.verb.phase, or the new status for status events', () => {
    expect(eventTypeOf({ otype: 'CLUSTER', action: 'CLUSTER_SCALE_OUT', status: 'end' })).toBe('cluster.scale_out.end');
    expect(eventTypeOf({ otype: 'NODE', action: 'NODE_CREATE', status: 'ACTIVE' })).toBe('node.create.active');
  });
});

describe('toNotification', () => {
  it("carries the event, the node and the action as they are, with the action's secrets masked", () => {
    const node = { id: 'n1', name: 'node-1', clusterId: 'c1', status: 'ACTIVE', data: {} } as unknown as NodeEntity;
    const action = {
      id: 'a1',
      name: 'node_create_n1',
      action: 'NODE_CREATE',
      inputs: { admin_pass: 'hunter2', count: 1 },
      outputs: {},
      data: {},
      createdAt: new Date('2026-11-23T09:59:59Z'),
      startTime: new Date(1_000_000),
      endTime: null,
    } as unknown as ActionEntity;
    const n = toNotification(
      event(),
      { ...none(), nodes: new Map([['n1', node]]), actions: new Map([['a1', action]]) },
      'grove-engine:h1',
    );
    expect(n).toMatchObject({
      version: '1.0',
      message_id: 'e1',
      publisher_id: 'grove-engine:h1',
      event_type: 'node.create.end',
      priority: 'INFO',
      timestamp: '2026-11-23T10:00:00Z',
      payload: {
        version: '1.0',
        event: { id: 'e1', status: 'end', level: 'INFO', cluster_id: 'c1' },
        node: { id: 'n1', status: 'ACTIVE', cluster_id: 'c1' },
        action: { id: 'a1', action: 'NODE_CREATE', start_time: 1000, end_time: null, inputs: { count: 1 } },
      },
    });
    expect(JSON.stringify(n)).not.toContain('hunter2');
    expect(n.payload.cluster).toBeUndefined();
  });

  it('describes an object deleted before publishing by what the event knows, and an error as ERROR', () => {
    const n = toNotification(event({ status: 'error', level: 40, actionId: null }), none(), 'p');
    expect(n.priority).toBe('ERROR');
    expect(n.event_type).toBe('node.create.error');
    expect(n.payload.node).toEqual({ id: 'n1', name: 'node-1', cluster_id: 'c1' });
    expect(n.payload.action).toBeNull();
    const c = toNotification(
      event({ otype: 'CLUSTER', oid: 'c1', oname: 'web', action: 'CLUSTER_DELETE' }),
      none(),
      'p',
    );
    expect(c.payload.cluster).toEqual({ id: 'c1', name: 'web' });
  });
});
