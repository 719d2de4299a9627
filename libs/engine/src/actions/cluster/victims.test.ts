import { pickVictims, type VictimCandidate } from './victims';

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
});
