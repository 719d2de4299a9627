import { useTestDatabase, make } from '@grove/testing';
import { LockRepository } from '../lock/lock.repository';
import { ActionRepository } from './action.repository';

describe('ActionRepository', () => {
  const db = useTestDatabase();
  const repo = () => new ActionRepository(db.dataSource);

  it('lets exactly one of two engines claim a READY action', async () => {
    const { id } = await make.action(db.dataSource);
    const won = await Promise.all([repo().claim(id, crypto.randomUUID()), repo().claim(id, crypto.randomUUID())]);
    expect(won.filter(Boolean)).toHaveLength(1);
  });

  it('will not let an engine end an action another engine now owns', async () => {
    const engine = crypto.randomUUID();
    const { id } = await make.action(db.dataSource, { status: 'RUNNING', owner: crypto.randomUUID() });
    const end = await db.dataSource.transaction((em) =>
      repo().end(id, engine, { status: 'SUCCEEDED', reason: 'done' }, em),
    );
    expect(end.ended).toBe(false);
    expect((await repo().getById(id))?.status).toBe('RUNNING');
  });

  it('ends an action with its locks released and its parents named, in one statement', async () => {
    const engine = (await make.service(db.dataSource)).id;
    const parent = await make.action(db.dataSource, { status: 'WAITING' });
    const child = await make.action(db.dataSource, { status: 'RUNNING', owner: engine, action: 'NODE_CREATE' });
    await repo().addDependencies([{ depended: child.id, dependent: parent.id }]);
    const locks = new LockRepository(db.dataSource);
    expect(await locks.acquireNode(child.target, child.id, 30)).toBe(true);
    const end = await db.dataSource.transaction((em) =>
      repo().end(child.id, engine, { status: 'SUCCEEDED', reason: 'done', outputs: { x: 1 } }, em),
    );
    expect(end).toEqual({ ended: true, parents: [parent.id] });
    expect(await repo().getById(child.id)).toMatchObject({ status: 'SUCCEEDED', owner: null, outputs: { x: 1 } });
    expect(await locks.nodeLocked(child.target, 30)).toBe(false);
    expect(await repo().wake(end.parents)).toEqual([parent.id]);
  });

  it('wakes a parent exactly once when its last children end concurrently', async () => {
    const r = repo();
    const parent = await make.action(db.dataSource, { status: 'WAITING' });
    const children = await Promise.all(
      Array.from({ length: 20 }, () => make.action(db.dataSource, { status: 'RUNNING', action: 'NODE_CREATE' })),
    );
    await r.addDependencies(children.map((c) => ({ depended: c.id, dependent: parent.id })));
    // Each child releases in its own transaction, then tries to wake the parent after commit.
    const woken = await Promise.all(
      children.map(async (c) => {
        const parents = await db.dataSource.transaction((em) => r.releaseChild(c.id, em));
        return r.wake(parents);
      }),
    );
    expect(woken.flat()).toEqual([parent.id]);
    expect((await r.getById(parent.id))?.status).toBe('READY');
  });

  it('lists the children an action still waits for and the parents waiting for one', async () => {
    const r = repo();
    const parent = await make.action(db.dataSource, { status: 'WAITING' });
    const child = await make.action(db.dataSource);
    await r.addDependencies([{ depended: child.id, dependent: parent.id }]);
    const { dependsOn, dependedBy } = await r.dependencies([parent.id, child.id]);
    expect(dependsOn.get(parent.id)).toEqual([child.id]);
    expect(dependedBy.get(child.id)).toEqual([parent.id]);
    expect(await r.tree(parent.id)).toEqual(expect.arrayContaining([parent.id, child.id]));
  });

  it('wakes a waiting action whose deadline passed', async () => {
    const late = await make.action(db.dataSource, {
      status: 'WAITING',
      startTime: new Date(Date.now() - 10_000),
      timeout: 5,
    });
    const fine = await make.action(db.dataSource, { status: 'WAITING', startTime: new Date(), timeout: 5 });
    const woken = await repo().wakeOverdue();
    expect(woken).toContain(late.id);
    expect(woken).not.toContain(fine.id);
  });

  it("takes over a dead engine's action once, however many engines try", async () => {
    const dead = await make.service(db.dataSource, 120);
    const a = await make.action(db.dataSource, { status: 'RUNNING', owner: dead.id, action: 'NODE_CREATE' });
    const r = repo();
    const stale = (await r.runningWithoutLiveOwner(30)).filter((x) => x.id === a.id);
    expect(stale).toHaveLength(1);
    const results = await Promise.all(
      [1, 2, 3].map(() => db.dataSource.transaction((em) => r.takeOver(stale[0], true, 'engine died', em))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await r.getById(a.id)).toMatchObject({ status: 'READY', owner: null, retries: 1 });
  });
});
