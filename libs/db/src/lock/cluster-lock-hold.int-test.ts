import { useTestDatabase, make } from '@grove/testing';
import { sql } from '../rows';
import { LockRepository } from './lock.repository';

describe('LockRepository.holdsCluster', () => {
  const db = useTestDatabase();
  const locks = () => new LockRepository(db.dataSource);

  it('keeps a forced takeover of the cluster lock waiting until the reading transaction ends', async () => {
    const live = await make.service(db.dataSource, 0);
    const [sharer, deleter] = await Promise.all(
      [1, 2].map(() => make.action(db.dataSource, { status: 'RUNNING', owner: live.id })),
    );
    const c = crypto.randomUUID();
    expect(await locks().acquireCluster(c, sharer.id, 'node', 30)).toBe(true);

    const qr = db.dataSource.createQueryRunner();
    await qr.connect();
    await qr.startTransaction();
    expect(await locks().holdsCluster(qr.manager, c, sharer.id)).toBe(true);
    const stolen = locks().acquireCluster(c, deleter.id, 'cluster', 30, true);
    // The takeover's UPDATE queues behind the share read, however long the transaction lasts.
    for (;;) {
      const { rows } = await sql(
        db.dataSource,
        `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ~ '^\s*(INSERT INTO|UPDATE) cluster_lock'`,
      );
      if (rows.length) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await qr.commitTransaction();
    await qr.release();

    expect(await stolen).toBe(true);
    expect(await locks().holdsCluster(db.dataSource.manager, c, sharer.id)).toBe(false);
    expect(await locks().holdsCluster(db.dataSource.manager, c, deleter.id)).toBe(true);
  });
});
