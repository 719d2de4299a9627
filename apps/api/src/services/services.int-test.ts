import { make } from '@grove/testing';
import { useGrove } from '../testing/grove-harness';
import { expectFault } from '../testing/senlin-answers';

const h = useGrove({ SERVICE_DOWN_TIME_S: '30' });

interface ServiceView {
  id: string;
  host: string;
  binary: string;
  topic: string;
  disabled_reason: string | null;
  status: string;
  state: string;
  updated_at: string;
}

describe('GET /v1/services', () => {
  it('is for admins only', async () => {
    expectFault(
      await h.http('GET', '/v1/services', { project: 'p1' }),
      403,
      'Forbidden',
      'You are not authorized to complete this operation.',
    );
    expectFault(await h.http('GET', '/v1/services', { project: 'p1', roles: 'member,reader' }), 403, 'Forbidden');
  });

  it("lists this Grove's engine and health-manager, enabled and up", async () => {
    const a = await h.http<{ services: ServiceView[] }>('GET', '/v1/services', { roles: 'admin' });
    expect(a.status).toBe(200);
    for (const binary of ['grove-engine', 'grove-health-manager']) {
      const mine = a.body.services.filter((s) => s.binary === binary);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        host: expect.any(String),
        binary,
        topic: expect.any(String),
        disabled_reason: null,
        status: 'enabled',
        state: 'up',
        updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      });
    }
  });

  it('shows a service whose heartbeat is older than SERVICE_DOWN_TIME_S as down', async () => {
    const [fresh, stale] = [await make.service(h.grove.dataSource, 5), await make.service(h.grove.dataSource, 45)];
    const { body } = await h.http<{ services: ServiceView[] }>('GET', '/v1/services', { roles: 'admin' });
    const stateOf = (id: string) => body.services.find((s) => s.id === id)?.state;
    expect({ fresh: stateOf(fresh.id), stale: stateOf(stale.id) }).toEqual({ fresh: 'up', stale: 'down' });
  });
});
