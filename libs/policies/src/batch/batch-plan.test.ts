import { member } from '../test-support';
import { batchSize, pickBatches, updatePlan } from './batch-plan';

describe('batchSize (SL _get_batch_size)', () => {
  it.each([
    // Senlin's cases.
    ['all but min_in_service, held to max_batch_size', 1, 2, 5, 2],
    ['all but min_in_service, under max_batch_size', 1, 3, 3, 2],
    ['half, rounded up, of a cluster smaller than min_in_service', 2, 2, 1, 1],
    ['no max_batch_size', 1, -1, 5, 4],
    // Edges.
    ['a cluster exactly min_in_service: half of it', 4, -1, 4, 2],
    ['an odd cluster exactly min_in_service', 3, -1, 3, 2],
    ['min_in_service 0: everything at once', 0, -1, 6, 6],
    ['a single node', 1, -1, 1, 1],
    ['max_batch_size equal to the size', 1, 4, 5, 4],
    ['max_batch_size 1', 0, 1, 6, 1],
  ])('%s', (_name, minInService, maxBatchSize, total, expected) => {
    expect(batchSize({ min_in_service: minInService, max_batch_size: maxBatchSize }, total)).toBe(expected);
  });
});

describe('pickBatches (SL _pick_nodes)', () => {
  it('cuts the members into batches in their order', () => {
    const nodes = ['1', '2', '3'].map((id) => member({ id }));
    expect(pickBatches(nodes, 2)).toEqual([['1', '2'], ['3']]);
    expect(pickBatches(nodes, 3)).toEqual([['1', '2', '3']]);
    expect(pickBatches(nodes, 1)).toEqual([['1'], ['2'], ['3']]);
  });

  it('puts bad nodes first, then nodes never created, healthy ones last', () => {
    const nodes = [
      member({ id: '1' }),
      member({ id: '2', createdAt: null, status: 'CREATING' }),
      member({ id: '3', status: 'ERROR' }),
      member({ id: '4', tainted: true }),
      member({ id: '5', status: 'WARNING' }),
      member({ id: '6' }),
    ];
    expect(pickBatches(nodes, 2)).toEqual([
      ['3', '4'],
      ['5', '2'],
      ['1', '6'],
    ]);
  });
});

describe('updatePlan', () => {
  const props = { min_in_service: 1, max_batch_size: 2, pause_time: 30 };

  it('plans the batches with the pause between them', () => {
    const nodes = ['a', 'b', 'c', 'd', 'e'].map((id) => member({ id }));
    expect(updatePlan(props, nodes)).toEqual({ pause_time: 30, plan: [['a', 'b'], ['c', 'd'], ['e']] });
  });

  it('plans nothing for an empty cluster', () => {
    expect(updatePlan(props, [])).toEqual({ pause_time: 30, plan: [] });
  });
});
