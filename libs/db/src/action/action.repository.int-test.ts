import { useTestDatabase, make } from '@grove/testing';
import { LockRepository } from '../lock/lock.repository';
import { ActionRepository, ClaimLost, claimOf } from './action.repository';

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
      repo().end({ actionId: id, engineId: engine, epoch: 0 }, { status: 'SUCCEEDED', reason: 'done' }, em),
    );
    expect(end.ended).toBe(false);
    expect((await repo().getById(id))?.status).toBe('RUNNING');
  });

  it('fences a claim by its epoch: after a takeover and a new claim by the same engine, the old claim writes nothing', async () => {
    const engine = (await make.service(db.dataSource)).id;
    const { id } = await make.action(db.dataSource, { action: 'NODE_CREATE' });
    const r = repo();
    const first = (await r.claim(id, engine))!;
    expect(first.epoch).toBe(1);
    await db.dataSource.transaction((em) => r.takeOver(first, true, 'taken for dead', em));
    const second = (await r.claim(id, engine))!;
    expect(second.epoch).toBe(3);
    const stale = claimOf(first);
    await expect(db.dataSource.transaction((em) => r.assertHeld(stale, em))).rejects.toBeInstanceOf(ClaimLost);
    const end = await db.dataSource.transaction((em) => r.end(stale, { status: 'FAILED', reason: 'old' }, em));
    expect(end.ended).toBe(false);
    expect(await r.requeue(stale, 'old')).toBe(false);
    expect(await db.dataSource.transaction((em) => r.park(stale, 'step', [], em))).toBe(false);
    await db.dataSource.transaction((em) => r.assertHeld(claimOf(second), em));
    expect(await r.getById(id)).toMatchObject({ status: 'RUNNING', owner: engine, epoch: 3 });
  });

  it('requeues only while the claim holds, and releases only the locks of that claim', async () => {
    const engine = (await make.service(db.dataSource)).id;
    const { id, target } = await make.action(db.dataSource, { action: 'NODE_CREATE' });
    const r = repo();
    const locks = new LockRepository(db.dataSource);
    const old = (await r.claim(id, engine))!;
    await db.dataSource.transaction((em) => r.takeOver(old, true, 'taken for dead', em));
    const now = (await r.claim(id, (await make.service(db.dataSource)).id))!;
    expect(await locks.acquireNode(target, id, 30)).toBe(true);
    expect(await r.requeue(claimOf(old), 'busy')).toBe(false);
    expect(await locks.nodeLocked(target, 30)).toBe(true);
    expect(await r.requeue(claimOf(now), 'busy')).toBe(true);
    expect(await locks.nodeLocked(target, 30)).toBe(false);
  });

  it('makes a takeover wait for a write under the claim, which then lands first', async () => {
    const engine = (await make.service(db.dataSource)).id;
    const { id } = await make.action(db.dataSource, { action: 'NODE_CREATE' });
    const r = repo();
    const claimed = (await r.claim(id, engine))!;
    let release!: () => void;
    const held = new Promise<void>((res) => (release = res));
    const write = db.dataSource.transaction(async (em) => {
      await r.assertHeld(claimOf(claimed), em);
      await held;
      await r.mergeData(id, { written: true }, em);
    });
    await new Promise((res) => setTimeout(res, 100));
    const takeover = db.dataSource.transaction((em) => r.takeOver(claimed, true, 'taken for dead', em));
    const early = await Promise.race([
      takeover.then(() => 'took over'),
      new Promise((res) => setTimeout(() => res('waiting'), 200)),
    ]);
    expect(early).toBe('waiting');
    release();
    await write;
    expect(await takeover).toBe(true);
    expect(await r.getById(id)).toMatchObject({ status: 'READY', epoch: 2, data: { written: true } });
  });

  it('ends an action with its locks released and its parents named, in one statement', async () => {
    const engine = (await make.service(db.dataSource)).id;
    const parent = await make.action(db.dataSource, { status: 'WAITING' });
    const child = await make.action(db.dataSource, { status: 'RUNNING', owner: engine, action: 'NODE_CREATE' });
    const claim = { actionId: child.id, engineId: engine, epoch: child.epoch };
    await repo().addDependencies([{ depended: child.id, dependent: parent.id }]);
    const locks = new LockRepository(db.dataSource);
    expect(await locks.acquireNode(child.target, child.id, 30)).toBe(true);
    const end = await db.dataSource.transaction((em) =>
      repo().end(claim, { status: 'SUCCEEDED', reason: 'done', outputs: { x: 1 } }, em),
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
    const me = await make.service(db.dataSource);
    const a = await make.action(db.dataSource, { status: 'RUNNING', owner: dead.id, action: 'NODE_CREATE' });
    const r = repo();
    const stale = (await r.runningWithoutLiveOwner(me.id, 30)).filter((x) => x.id === a.id);
    expect(stale).toHaveLength(1);
    const results = await Promise.all(
      [1, 2, 3].map(() => db.dataSource.transaction((em) => r.takeOver(stale[0], true, 'engine died', em))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await r.getById(a.id)).toMatchObject({ status: 'READY', owner: null, retries: 1 });
  });

  it('lets only an engine that has itself beaten without a gap for the dead-after window judge others dead', async () => {
    const dead = await make.service(db.dataSource, 120);
    const a = await make.action(db.dataSource, { status: 'RUNNING', owner: dead.id, action: 'NODE_CREATE' });
    const r = repo();
    const mine = (who: string) => r.runningWithoutLiveOwner(who, 30).then((xs) => xs.filter((x) => x.id === a.id));
    // Back from a database outage: beating again for 5 s only.
    expect(await mine((await make.service(db.dataSource, 0, 'grove-engine', 5)).id)).toHaveLength(0);
    // Its own row is stale.
    expect(await mine((await make.service(db.dataSource, 40)).id)).toHaveLength(0);
    // Not registered at all.
    expect(await mine(crypto.randomUUID())).toHaveLength(0);
    expect(await mine((await make.service(db.dataSource)).id)).toHaveLength(1);
  });
});
