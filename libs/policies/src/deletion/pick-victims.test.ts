import { pickVictims, type VictimCandidate } from './pick-victims';

const at = (minute: number) => new Date(Date.UTC(2024, 0, 1, 0, minute));
const node = (id: string, o: Partial<VictimCandidate> = {}): VictimCandidate => ({
  id,
  status: 'ACTIVE',
  tainted: false,
  createdAt: at(0),
  ...o,
});

describe('pickVictims', () => {
  it('takes broken and tainted nodes first, then never-created ones, then the youngest healthy ones', () => {
    const nodes = [
      node('a', { createdAt: at(1) }),
      node('b', { createdAt: at(5) }),
      node('c', { status: 'ERROR', createdAt: at(2) }),
      node('d', { createdAt: null, status: 'CREATING' }),
      node('e', { tainted: true, createdAt: at(3) }),
      node('f', { status: 'WARNING', createdAt: at(4) }),
      node('g', { createdAt: at(9) }),
    ];
    expect(pickVictims(nodes, 7)).toEqual(['f', 'e', 'c', 'd', 'g', 'b', 'a']);
    expect(pickVictims(nodes, 4)).toEqual(['f', 'e', 'c', 'd']);
  });

  it('picks the same victims whatever order the nodes come in, ties broken by id', () => {
    const nodes = [node('n3'), node('n1'), node('n2'), node('n0', { createdAt: at(1) })];
    expect(pickVictims(nodes, 2)).toEqual(['n0', 'n1']);
    expect(pickVictims([...nodes].reverse(), 2)).toEqual(['n0', 'n1']);
  });

  it('never picks more nodes than there are, nor a negative number', () => {
    expect(pickVictims([node('a')], 3)).toEqual(['a']);
    expect(pickVictims([node('a')], 0)).toEqual([]);
    expect(pickVictims([node('a')], -1)).toEqual([]);
  });

  it('never picks a protected node', () => {
    const nodes = [node('a', { protected: true }), node('b', { status: 'ERROR', protected: true }), node('c')];
    expect(pickVictims(nodes, 3)).toEqual(['c']);
  });

  it('orders healthy nodes by the criteria, bad ones still first', () => {
    const nodes = [
      node('old', { createdAt: at(1), profileCreatedAt: at(9) }),
      node('new', { createdAt: at(5), profileCreatedAt: at(1) }),
      node('bad', { status: 'ERROR', createdAt: at(3) }),
    ];
    expect(pickVictims(nodes, 3, 'OLDEST_FIRST')).toEqual(['bad', 'old', 'new']);
    expect(pickVictims(nodes, 3, 'YOUNGEST_FIRST')).toEqual(['bad', 'new', 'old']);
    expect(pickVictims(nodes, 3, 'OLDEST_PROFILE_FIRST')).toEqual(['bad', 'new', 'old']);
  });

  it('draws RANDOM victims from the given source, the same way every time', () => {
    const nodes = ['a', 'b', 'c', 'd', 'e'].map((id) => node(id));
    const seeded = () => {
      let x = 0.3;
      return () => (x = (x * 9301 + 0.49297) % 1);
    };
    const first = pickVictims(nodes, 3, 'RANDOM', seeded());
    expect(first).toHaveLength(3);
    expect(pickVictims([...nodes].reverse(), 3, 'RANDOM', seeded())).toEqual(first);
  });
});
