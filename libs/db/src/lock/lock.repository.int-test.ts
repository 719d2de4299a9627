import { useTestDatabase, make } from '@grove/testing';
import { LockRepository } from './lock.repository';

describe('LockRepository', () => {
  const db = useTestDatabase();
  const locks = () => new LockRepository(db.dataSource);
  const cluster = () => crypto.randomUUID();

  it('gives the cluster scope to one action and refuses a second while the first can run', async () => {
    const live = await make.service(db.dataSource, 0);
    const a = await make.action(db.dataSource, { status: 'RUNNING', owner: live.id });
    const b = await make.action(db.dataSource, { status: 'RUNNING', owner: live.id });
    const c = cluster();
    expect(await locks().acquireCluster(c, a.id, 'cluster', 30)).toBe(true);
    expect(await locks().acquireCluster(c, a.id, 'cluster', 30)).toBe(true); // re-entrant
    expect(await locks().acquireCluster(c, b.id, 'cluster', 30)).toBe(false);
    expect(await locks().acquireCluster(c, b.id, 'node', 30)).toBe(false);
    await locks().releaseAll(a.id);
    expect(await locks().acquireCluster(c, b.id, 'cluster', 30)).toBe(true);
  });

  it('shares the node scope and keeps the cluster scope out until every sharer left', async () => {
    const live = await make.service(db.dataSource, 0);
    const [n1, n2, whole] = await Promise.all(
      [1, 2, 3].map(() => make.action(db.dataSource, { status: 'RUNNING', owner: live.id })),
    );
    const c = cluster();
    expect(await locks().acquireCluster(c, n1.id, 'node', 30)).toBe(true);
    expect(await locks().acquireCluster(c, n2.id, 'node', 30)).toBe(true);
    expect(await locks().acquireCluster(c, whole.id, 'cluster', 30)).toBe(false);
    await locks().releaseAll(n1.id);
    expect(await locks().acquireCluster(c, whole.id, 'cluster', 30)).toBe(false);
    await locks().releaseAll(n2.id);
    expect(await locks().acquireCluster(c, whole.id, 'cluster', 30)).toBe(true);
  });

  it('tells a node action’s share from a cluster action’s hold', async () => {
    const live = await make.service(db.dataSource, 0);
    const [node, whole] = await Promise.all(
      [1, 2].map(() => make.action(db.dataSource, { status: 'RUNNING', owner: live.id })),
    );
    const c = cluster();
    expect(await locks().acquireCluster(c, node.id, 'node', 30)).toBe(true);
    expect(await locks().clusterLocked(c, 30)).toBe(true);
    expect(await locks().clusterLocked(c, 30, undefined, 'cluster')).toBe(false);
    await locks().releaseAll(node.id);
    expect(await locks().acquireCluster(c, whole.id, 'cluster', 30)).toBe(true);
    expect(await locks().clusterLocked(c, 30, undefined, 'cluster')).toBe(true);
  });

  it('steals a lock whose holder ran on an engine that stopped heart-beating', async () => {
    const dead = await make.service(db.dataSource, 300);
    const live = await make.service(db.dataSource, 0);
    const stuck = await make.action(db.dataSource, { status: 'RUNNING', owner: dead.id });
    const next = await make.action(db.dataSource, { status: 'RUNNING', owner: live.id });
    const c = cluster();
    expect(await locks().acquireCluster(c, stuck.id, 'cluster', 30)).toBe(true);
    expect(await locks().clusterLocked(c, 30)).toBe(false);
    expect(await locks().acquireCluster(c, next.id, 'cluster', 30)).toBe(true);
  });

  it('keeps a waiting parent’s lock even though no engine runs it', async () => {
    const waiting = await make.action(db.dataSource, { status: 'WAITING', owner: null });
    const other = await make.action(db.dataSource, {
      status: 'RUNNING',
      owner: (await make.service(db.dataSource)).id,
    });
    const c = cluster();
    expect(await locks().acquireCluster(c, waiting.id, 'cluster', 30)).toBe(true);
    expect(await locks().acquireCluster(c, other.id, 'cluster', 30)).toBe(false);
  });

  it('lets one of two actions racing for a node lock win, and force take it over', async () => {
    const live = await make.service(db.dataSource, 0);
    const [a, b] = await Promise.all(
      [1, 2].map(() => make.action(db.dataSource, { status: 'RUNNING', owner: live.id })),
    );
    const node = crypto.randomUUID();
    const won = await Promise.all([locks().acquireNode(node, a.id, 30), locks().acquireNode(node, b.id, 30)]);
    expect(won.filter(Boolean)).toHaveLength(1);
    const loser = won[0] ? b : a;
    expect(await locks().acquireNode(node, loser.id, 30, true)).toBe(true);
  });
});
