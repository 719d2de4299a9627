import { make, useTestDatabase } from '@grove/testing';
import { sql } from '../rows';
import { HealthRegistryRepository } from './health-registry.repository';

describe('HealthRegistryRepository.leaseRound', () => {
  const db = useTestDatabase();
  const registry = () => new HealthRegistryRepository(db.dataSource);
  const [a, b] = [crypto.randomUUID(), crypto.randomUUID()];

  const register = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const c = await make.cluster(db.dataSource);
      await registry().register({
        clusterId: c.id,
        policyId: crypto.randomUUID(),
        checkTypes: ['NODE_STATUS_POLLING'],
        interval: 1,
        params: {},
        enabled: true,
      });
    }
  };

  it('splits the clusters between live instances, and one takes all once the other’s leases run out', async () => {
    await register(10);
    // Alone, an instance takes everything.
    expect(await registry().leaseRound(a, 30, 1)).toHaveLength(10);
    // A second instance appears: the first gives back what is beyond its share, the second takes it.
    expect(await registry().leaseRound(a, 30, 2)).toHaveLength(5);
    const mineB = await registry().leaseRound(b, 30, 2);
    expect(mineB).toHaveLength(5);
    const mineA = await registry().leaseRound(a, 30, 2);
    expect(new Set([...mineA, ...mineB].map((r) => r.clusterId)).size).toBe(10);

    // b dies: its leases expire, and a, alone again, holds all ten.
    await sql(db.dataSource, `UPDATE health_registry SET lease_until = now() - interval '1 second' WHERE owner = $1`, [
      b,
    ]);
    expect(await registry().leaseRound(a, 30, 1)).toHaveLength(10);
  });

  it('gives everything back on releaseAll', async () => {
    await register(3);
    await registry().leaseRound(a, 30, 1);
    await registry().releaseAll(a);
    expect(await registry().leaseRound(b, 30, 1)).toHaveLength(await registry().count());
  });
});
