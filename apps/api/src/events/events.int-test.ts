import { freshProject, make } from '@grove/testing';
import { actionOf, useGrove } from '../testing/grove-harness';
import { expectFault } from '../testing/senlin-answers';

/** Events as users read them (tempest's event tests), written by a real cluster create. */
const h = useGrove();

const SPEC = {
  type: 'os.nova.server',
  version: '1.0',
  properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk', networks: [{ network: 'private' }] },
};
/** What tempest requires of every event, plus meta_data. */
const KEYS = [
  'action',
  'cluster_id',
  'id',
  'level',
  'meta_data',
  'oid',
  'oname',
  'otype',
  'project',
  'status',
  'status_reason',
  'timestamp',
  'user',
];

interface EventView {
  id: string;
  timestamp: string;
  oid: string;
  oname: string;
  otype: string;
  cluster_id: string;
  level: string;
  action: string;
  status: string;
  status_reason: string;
}
type Many = { events: EventView[] };

describe('the events of a cluster create', () => {
  let project: string;
  let clusterId: string;
  let actionId: string;
  let events: EventView[];
  const list = async (query = '') => {
    const a = await h.http<Many>('GET', `/v1/events${query}`, { project });
    expect(a.status).toBe(200);
    return a.body.events;
  };
  beforeAll(async () => {
    project = freshProject();
    await h.http('POST', '/v1/profiles', { project, body: { profile: { name: 'p', spec: SPEC } } });
    const a = await h.http<{ cluster: { id: string } }>('POST', '/v1/clusters', {
      project,
      body: { cluster: { name: 'web', profile_id: 'p', desired_capacity: 2 } },
    });
    clusterId = a.body.cluster.id;
    actionId = actionOf(a);
    expect((await h.waitForAction(actionId, { project })).status).toBe('SUCCEEDED');
    events = await list();
  });

  it('all have every key tempest needs, at level INFO, with Z timestamps (tempest event_list)', () => {
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) {
      expect(Object.keys(e).sort()).toEqual(KEYS);
      expect(e).toMatchObject({ level: 'INFO', cluster_id: clusterId, project });
      expect(e.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
  });

  /**
   * The events went through these steps in this order, as far as their timestamps tell: events
   * written in the same millisecond (an action's end and the status it leaves) may list either way.
   */
  const expectSteps = async (list: EventView[], steps: string[][]) => {
    expect(list.map((e) => e.status).sort()).toEqual(steps.flat().sort());
    const rows = (await h.grove.dataSource.query('SELECT id, timestamp FROM event WHERE id = ANY($1::uuid[])', [
      list.map((e) => e.id),
    ])) as { id: string; timestamp: Date }[];
    const at = new Map(rows.map((r) => [r.id, r.timestamp.getTime()]));
    const times = steps.map((step) => list.filter((e) => step.includes(e.status)).map((e) => at.get(e.id)!));
    for (let i = 1; i < times.length; i++)
      expect(Math.min(...times[i])).toBeGreaterThanOrEqual(Math.max(...times[i - 1]));
  };

  it('tell the cluster’s story: start, CREATING, then end and ACTIVE', async () => {
    const mine = await list(`?oid=${clusterId}`);
    expect(mine.every((e) => e.otype === 'CLUSTER' && e.oname === 'web' && e.action === 'CLUSTER_CREATE')).toBe(true);
    await expectSteps(mine, [['start'], ['CREATING'], ['end', 'ACTIVE']]);
    const reasons = Object.fromEntries(mine.map((e) => [e.status, e.status_reason]));
    expect(reasons).toMatchObject({
      start: actionId.slice(0, 8),
      ACTIVE: 'CLUSTER_CREATE: number of active nodes is equal or above desired_capacity (2).',
    });
  });

  it('tell each node’s story in order: start, CREATING, then end and ACTIVE', async () => {
    const nodes = await list('?otype=NODE');
    const ids = [...new Set(nodes.map((e) => e.oid))];
    expect(ids).toHaveLength(2);
    for (const id of ids) {
      const mine = nodes.filter((e) => e.oid === id);
      expect(mine.every((e) => e.action === 'NODE_CREATE')).toBe(true);
      await expectSteps(mine, [['start'], ['CREATING'], ['end', 'ACTIVE']]);
    }
    const names = (
      await h.http<{ nodes: { id: string; name: string }[] }>('GET', `/v1/nodes?cluster_id=${clusterId}`, { project })
    ).body.nodes;
    for (const n of names) expect(nodes.filter((e) => e.oid === n.id).every((e) => e.oname === n.name)).toBe(true);
  });

  it('filter by object, name, type, action, level and cluster (by id, name or short id)', async () => {
    const count = async (query: string) => (await list(query)).length;
    expect(await count(`?oid=${clusterId}`)).toBe(4);
    expect(await count('?oname=web')).toBe(4);
    expect(await count('?otype=CLUSTER')).toBe(4);
    expect(await count('?otype=NODE')).toBe(8);
    expect(await count('?otype=CLUSTER&otype=NODE')).toBe(12);
    expect(await count('?action=NODE_CREATE')).toBe(8);
    expect(await count('?action=CLUSTER_DELETE')).toBe(0);
    expect(await count('?level=INFO')).toBe(12);
    expect(await count('?level=ERROR&level=WARN')).toBe(0);
    for (const ident of [clusterId, 'web', clusterId.slice(0, 8)]) expect(await count(`?cluster_id=${ident}`)).toBe(12);
    expect(await count('?cluster_id=nowhere')).toBe(0);
  });

  it('sort and page with a marker', async () => {
    const ids = events.map((e) => e.id);
    // Ties in timestamp go by id, ascending, whichever way the timestamps go.
    const desc = (await h.grove.dataSource.query(
      'SELECT id FROM event WHERE project = $1 ORDER BY timestamp DESC, id ASC',
      [project],
    )) as { id: string }[];
    expect((await list('?sort=timestamp:desc')).map((e) => e.id)).toEqual(desc.map((r) => r.id));
    expect((await list('?sort=otype,timestamp')).map((e) => e.otype)).toEqual([
      ...Array(4).fill('CLUSTER'),
      ...Array(8).fill('NODE'),
    ]);
    expect((await list('?limit=5')).map((e) => e.id)).toEqual(ids.slice(0, 5));
    expect((await list(`?limit=5&marker=${ids[4]}`)).map((e) => e.id)).toEqual(ids.slice(5, 10));
    expect((await list(`?marker=${ids[11]}`)).map((e) => e.id)).toEqual([]);
  });

  it('show by id and by short id, not by name (tempest event_show)', async () => {
    const [first] = await list(`?oid=${clusterId}`);
    for (const ident of [first.id, first.id.slice(0, 8)]) {
      const a = await h.http<{ event: EventView }>('GET', `/v1/events/${ident}`, { project });
      expect({ ident, status: a.status }).toEqual({ ident, status: 200 });
      expect(a.body.event).toEqual(first);
    }
    expectFault(
      await h.http('GET', '/v1/events/web', { project }),
      404,
      'ResourceNotFound',
      "The event 'web' could not be found.",
    );
  });
});

describe('GET /v1/events/{id}', () => {
  it('answers 404 for an event it cannot find (tempest event_show_not_found)', async () => {
    const id = '318ae275-ed68-48f5-9151-523085107112';
    expectFault(
      await h.http('GET', `/v1/events/${id}`, { project: freshProject() }),
      404,
      'ResourceNotFound',
      `The event '${id}' could not be found.`,
    );
  });

  it('shows levels by name, and lists by them', async () => {
    const project = freshProject();
    const warn = await make.event(h.grove.dataSource, {
      project,
      level: 30,
      status: 'WARNING',
      action: 'CLUSTER_CHECK',
    });
    await make.event(h.grove.dataSource, { project, level: 40, status: 'ERROR' });
    expect((await h.http<{ event: EventView }>('GET', `/v1/events/${warn.id}`, { project })).body.event).toMatchObject({
      level: 'WARN',
      status: 'WARNING',
      action: 'CLUSTER_CHECK',
    });
    const levels = async (q: string) =>
      (await h.http<Many>('GET', `/v1/events${q}`, { project })).body.events.map((e) => e.level);
    expect(await levels('?level=WARN')).toEqual(['WARN']);
    expect(await levels('?level=ERROR&level=WARN&sort=level')).toEqual(['WARN', 'ERROR']);
    expect(await levels('?sort=level:desc')).toEqual(['ERROR', 'WARN']);
  });

  it('keeps listing the events of a cluster that is gone, by its id', async () => {
    const project = freshProject();
    const gone = '6f7c1d2e-52d7-4cb5-9e0f-6a3c8d9b1e24';
    const e = await make.event(h.grove.dataSource, { project, oid: gone, clusterId: gone });
    expect(
      (await h.http<Many>('GET', `/v1/events?cluster_id=${gone}`, { project })).body.events.map((x) => x.id),
    ).toEqual([e.id]);
  });
});
