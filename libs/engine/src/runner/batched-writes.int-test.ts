import { ActionRepository, EventEntity, EventRepository } from '@grove/db';
import { make, useTestDatabase } from '@grove/testing';
import { events, nodeObject } from '../events/event-writer';
import { BatchedWrites } from './batched-writes';

describe('BatchedWrites', () => {
  const db = useTestDatabase();
  const writes = () => new BatchedWrites(new ActionRepository(db.dataSource), new EventRepository(db.dataSource));

  it('wakes a parent once when its last children ask in the same batch, and only then', async () => {
    const actions = new ActionRepository(db.dataSource);
    const parent = await make.action(db.dataSource, { status: 'WAITING' });
    const [done, pending] = [await make.action(db.dataSource), await make.action(db.dataSource)];
    await actions.addDependencies([
      { depended: done.id, dependent: parent.id },
      { depended: pending.id, dependent: parent.id },
    ]);
    const w = writes();
    await db.dataSource.transaction((em) => actions.releaseChild(done.id, em));
    expect(await w.wake([parent.id])).toEqual([]); // `pending` still runs

    await db.dataSource.transaction((em) => actions.releaseChild(pending.id, em));
    const woken = await Promise.all(Array.from({ length: 10 }, () => w.wake([parent.id])));
    expect(woken.flat()).toEqual([parent.id]);
    expect((await actions.getById(parent.id))?.status).toBe('READY');
  });

  it('writes every event it was given when many arrive at once, and fails each caller of a failed batch', async () => {
    const action = await make.action(db.dataSource, { action: 'NODE_CREATE' });
    const node = await make.node(db.dataSource);
    const w = writes();
    const batch = Array.from({ length: 50 }, (_, i) => events.phase(action, nodeObject(node), 'start', `e${i}`));
    await Promise.all(batch.map((e) => w.insertEvent(e)));
    const stored = await db.dataSource.manager.findBy(EventEntity, { oid: node.id });
    expect(stored.map((e) => e.statusReason).sort()).toEqual(batch.map((e) => e.statusReason).sort());

    // The same ids again: the batch's INSERT fails, and so does each write in it.
    const again = await Promise.allSettled(batch.slice(0, 3).map((e) => w.insertEvent(e)));
    expect(again.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
  });
});
