import { freshProject, make } from '@grove/testing';
import { useGrove } from '../testing/grove-harness';
import { EventRetention } from './event-retention.service';

const h = useGrove({ EVENT_RETENTION_DAYS: '7' });
const DAY = 86_400_000;

describe('event retention', () => {
  it('deletes events older than EVENT_RETENTION_DAYS and keeps the rest, listed as before', async () => {
    const project = freshProject();
    const old = await make.event(h.grove.dataSource, { project, timestamp: new Date(Date.now() - 8 * DAY) });
    const older = await make.event(h.grove.dataSource, { project, timestamp: new Date(Date.now() - 400 * DAY) });
    const recent = await make.event(h.grove.dataSource, { project, timestamp: new Date(Date.now() - 6 * DAY) });
    const now = await make.event(h.grove.dataSource, { project });

    // The purge at start may still be running and take some of them: count what is left instead.
    await h.grove.app.get(EventRetention).purge();

    const listed = await h.http<{ events: { id: string }[] }>('GET', '/v1/events', { project });
    expect(listed.body.events.map((e) => e.id).sort()).toEqual([recent.id, now.id].sort());
    for (const gone of [old, older])
      expect((await h.http('GET', `/v1/events/${gone.id}`, { project })).status).toBe(404);
  });

  it('purges a long history in batches', async () => {
    const project = freshProject();
    await h.grove.dataSource.query(
      `INSERT INTO event (id, timestamp, oid, oname, otype, level, user_id, project, status, status_reason, meta_data, published)
       SELECT gen_random_uuid(), now() - interval '30 days', gen_random_uuid(), 'c', 'CLUSTER', 20, 'u', $1, 'end', 'old', '{}', true
         FROM generate_series(1, 12000)`,
      [project],
    );
    expect(await h.grove.app.get(EventRetention).purge()).toBe(12000);
    const [{ n }] = (await h.grove.dataSource.query(`SELECT count(*)::int AS n FROM event WHERE project = $1`, [
      project,
    ])) as { n: number }[];
    expect(n).toBe(0);
  });
});
