import { isoTime, osloContext, osloNotification, pythonUtcTimestamp } from './oslo-message';

describe('oslo messages', () => {
  it('formats timestamps as Python prints a UTC datetime, and payload times as isotime does', () => {
    expect(pythonUtcTimestamp(Date.UTC(2024, 0, 2, 3, 4, 5, 670))).toBe('2024-01-02 03:04:05.670000');
    expect(pythonUtcTimestamp(Date.UTC(2024, 0, 2, 3, 4, 5))).toBe('2024-01-02 03:04:05');
    expect(isoTime(Date.UTC(2024, 0, 2, 3, 4, 5, 670))).toBe('2024-01-02T03:04:05Z');
    expect(isoTime(null)).toBeNull();
  });

  it('wraps a notification, its unique id and its flattened context in the 2.0 envelope', () => {
    const m = osloNotification({
      exchange: 'nova',
      topic: 'versioned_notifications',
      publisherId: 'nova-compute:host-1',
      eventType: 'instance.create.error',
      priority: 'ERROR',
      payload: { a: 1 },
      at: Date.UTC(2024, 0, 2),
      context: { project_id: 'p', roles: ['member'] },
    });
    expect(m.exchange).toBe('nova');
    expect(m.routingKey).toBe('versioned_notifications.error');
    expect(Object.keys(m.body)).toEqual(['oslo.version', 'oslo.message']);
    expect(m.body['oslo.version']).toBe('2.0');
    expect(JSON.parse(m.body['oslo.message'])).toEqual({
      message_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      publisher_id: 'nova-compute:host-1',
      event_type: 'instance.create.error',
      priority: 'ERROR',
      payload: { a: 1 },
      timestamp: '2024-01-02 00:00:00',
      _unique_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      _context_project_id: 'p',
      _context_roles: ['member'],
    });
  });

  it('describes a service acting on its own as an admin context without user or project', () => {
    expect(osloContext(null, 'req-1')).toMatchObject({
      user: null,
      project_id: null,
      is_admin: true,
      roles: [],
      auth_token: null,
      user_identity: '- - - - -',
    });
  });
});
