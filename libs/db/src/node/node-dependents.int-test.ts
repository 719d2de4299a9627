import { make, useTestDatabase } from '@grove/testing';
import { NodeRepository } from './node.repository';

describe('NodeRepository dependents', () => {
  const db = useTestDatabase();
  const repo = () => new NodeRepository(db.dataSource);
  const dependents = async (id: string) => (await repo().getById(id))!.dependents;

  it('lists a container node on its host once, even when added concurrently with others', async () => {
    const host = await make.node(db.dataSource);
    const [a, b, c] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    await Promise.all([a, b, c, a].map((d) => repo().addDependent([host.id], d)));
    expect(((await dependents(host.id)).nodes as string[]).sort()).toEqual([a, b, c].sort());
  });

  it('takes a dependent off every host and drops the key when none is left', async () => {
    const h1 = await make.node(db.dataSource, { dependents: { profiles: ['p1'] } });
    const h2 = await make.node(db.dataSource);
    const [a, b] = [crypto.randomUUID(), crypto.randomUUID()];
    await repo().addDependent([h1.id, h2.id], a);
    await repo().addDependent([h2.id], b);
    expect((await repo().removeDependent(a)).sort()).toEqual([h1.id, h2.id].sort());
    expect(await dependents(h1.id)).toEqual({ profiles: ['p1'] });
    expect(await dependents(h2.id)).toEqual({ nodes: [b] });
    expect(await repo().removeDependent(a)).toEqual([]);
  });
});
