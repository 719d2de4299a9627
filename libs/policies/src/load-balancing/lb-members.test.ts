import type { ActionName } from '@grove/core';
import type { PolicyNode } from '../policy-type';
import { cluster, contextFor, member } from '../test-support';
import {
  additionVerdict,
  attachMembers,
  bindingDataOf,
  clusterLoadBalancers,
  lbResourcesOf,
  planGrow,
  planShrink,
  pyList,
  removalVerdict,
} from './lb-members';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

/** Members a..e, created in that order (e youngest), each in the pool as m-<id>. */
function fleet(o: { minSize?: number; maxSize?: number; count?: number } = {}) {
  const ids = ['a', 'b', 'c', 'd', 'e'].slice(0, o.count ?? 5);
  const members = ids.map((id, i) => member({ id, createdAt: at(i), data: { lb_member: `m-${id}` } }));
  return cluster({ members, minSize: o.minSize ?? 0, maxSize: o.maxSize ?? -1 });
}

const shrink = (
  action: ActionName,
  o: {
    inputs?: Record<string, unknown>;
    data?: Record<string, unknown>;
    node?: PolicyNode;
    c?: ReturnType<typeof fleet>;
  } = {},
) => {
  const c = o.c ?? fleet();
  return planShrink(contextFor({}, { action, cluster: c, inputs: o.inputs, data: o.data, node: o.node }));
};
const removed = (p: ReturnType<typeof planShrink>) => p.removals.map((r) => `${r.node.id}:${r.member}`);

describe('planShrink: which members leave the pool before a shrink', () => {
  it.each<[string, ActionName, Record<string, unknown>, Record<string, unknown>, string[]]>([
    [
      'a deletion policy’s candidates',
      'CLUSTER_SCALE_IN',
      {},
      { deletion: { count: 2, candidates: ['b', 'c'] } },
      ['b', 'c'],
    ],
    ['del_nodes’ own candidates', 'CLUSTER_DEL_NODES', { candidates: ['a', 'd'] }, {}, ['a', 'd']],
    ['the originals of a replace', 'CLUSTER_REPLACE_NODES', { candidates: { b: 'x', c: 'y' } }, {}, ['b', 'c']],
    [
      'the originals of a replace even with a deletion decision',
      'CLUSTER_REPLACE_NODES',
      { candidates: { a: 'x' } },
      { deletion: { count: 1, candidates: ['e'] } },
      ['a'],
    ],
    ['the youngest one of a plain scale-in', 'CLUSTER_SCALE_IN', {}, {}, ['e']],
    ['the youngest of a scale-in by count', 'CLUSTER_SCALE_IN', { count: 2 }, {}, ['e', 'd']],
    ['a count given as a string', 'CLUSTER_SCALE_IN', { count: '2' }, {}, ['e', 'd']],
    ['a scaling policy’s count', 'CLUSTER_SCALE_IN', { count: 1 }, { deletion: { count: 3 } }, ['e', 'd', 'c']],
    [
      'a shrinking resize',
      'CLUSTER_RESIZE',
      { adjustment_type: 'EXACT_CAPACITY', number: 3, strict: true },
      {},
      ['e', 'd'],
    ],
  ])('takes %s', (_name, action, inputs, data, expected) => {
    const p = shrink(action, { inputs, data });
    expect(p.candidates).toEqual(expected);
    expect(removed(p)).toEqual(expected.map((id) => `${id}:m-${id}`));
    expect(p.skipped).toBeNull();
  });

  it('takes the target of a node delete', () => {
    const c = fleet();
    const p = shrink('NODE_DELETE', { node: c.members[1], c });
    expect(p.candidates).toEqual(['b']);
    expect(removed(p)).toEqual(['b:m-b']);
    expect(p.deletion).toBeNull();
  });

  it('writes the victims it picked into data.deletion so the action deletes exactly those', () => {
    expect(shrink('CLUSTER_SCALE_IN', { inputs: { count: 2 } }).deletion).toEqual({ count: 2, candidates: ['e', 'd'] });
    // An earlier policy's settings stay; only count and candidates are this policy's.
    expect(shrink('CLUSTER_SCALE_IN', { data: { deletion: { count: 1, grace_period: 5 } } }).deletion).toEqual({
      count: 1,
      grace_period: 5,
      candidates: ['e'],
    });
    expect(shrink('CLUSTER_DEL_NODES', { inputs: { candidates: ['a'] } }).deletion).toBeNull();
  });

  it('picks broken nodes first and never protected ones', () => {
    const members = [
      member({ id: 'a', createdAt: at(1), data: { lb_member: 'm-a' }, status: 'ERROR' }),
      member({ id: 'b', createdAt: at(2), data: { lb_member: 'm-b' } }),
      member({ id: 'c', createdAt: at(3), data: { lb_member: 'm-c' }, protected: true }),
    ];
    const p = shrink('CLUSTER_SCALE_IN', { inputs: { count: 2 }, c: cluster({ members }) });
    expect(p.candidates).toEqual(['a', 'b']);
  });

  it('never picks more victims than there are members', () => {
    expect(shrink('CLUSTER_SCALE_IN', { inputs: { count: 9 }, c: fleet({ count: 2 }) }).candidates).toEqual(['b', 'a']);
  });

  it('skips nodes that are not in the pool, or not members', () => {
    const members = [member({ id: 'a', data: { lb_member: 'm-a' } }), member({ id: 'b', data: {} })];
    const p = shrink('CLUSTER_DEL_NODES', { inputs: { candidates: ['a', 'b', 'gone'] }, c: cluster({ members }) });
    expect(p.candidates).toEqual(['a', 'b', 'gone']);
    expect(removed(p)).toEqual(['a:m-a']);
  });

  it.each<[string, ActionName, Record<string, unknown>, Record<string, unknown>]>([
    ['a growing resize', 'CLUSTER_RESIZE', { adjustment_type: 'CHANGE_IN_CAPACITY', number: 2, strict: true }, {}],
    ['a resize to the same size', 'CLUSTER_RESIZE', { adjustment_type: 'EXACT_CAPACITY', number: 5, strict: true }, {}],
    [
      'a resize the engine will refuse',
      'CLUSTER_RESIZE',
      { adjustment_type: 'EXACT_CAPACITY', number: 9, strict: true },
      {},
    ],
    ['a scale-in by zero', 'CLUSTER_SCALE_IN', { count: 0 }, {}],
    ['a scale-in by an invalid count (the action refuses it)', 'CLUSTER_SCALE_IN', { count: 'many' }, {}],
    ['a deletion decision of zero', 'CLUSTER_SCALE_IN', {}, { deletion: { count: 0 } }],
    ['a deletion policy that chose nobody', 'CLUSTER_SCALE_IN', {}, { deletion: { count: 1, candidates: [] } }],
    ['a replace without candidates', 'CLUSTER_REPLACE_NODES', {}, {}],
    ['an action that does not shrink', 'CLUSTER_SCALE_OUT', { count: 2 }, {}],
  ])('removes nothing for %s', (_name, action, inputs, data) => {
    const c = fleet({ maxSize: 6 });
    const p = shrink(action, { inputs, data, c });
    expect(p.removals).toEqual([]);
  });

  it('leaves removal to each node delete while lifecycle hooks hold the deletions', () => {
    const p = shrink('CLUSTER_SCALE_IN', {
      inputs: { count: 2 },
      data: { hooks: { type: 'zaqar', params: { queue: 'q' }, timeout: 60 } },
    });
    expect(p).toMatchObject({ candidates: ['e', 'd'], removals: [], skipped: 'lifecycle-hooks' });
    // The victims are still fixed, so each node delete later removes the right member.
    expect(p.deletion).toEqual({ count: 2, candidates: ['e', 'd'] });
    expect(shrink('CLUSTER_SCALE_IN', { data: { hooks: {} } }).skipped).toBeNull();
  });

  it.each<[string, ActionName, Record<string, unknown>, number]>([
    ['a scale-in below min_size', 'CLUSTER_SCALE_IN', { count: 3 }, 3],
    ['a del_nodes below min_size', 'CLUSTER_DEL_NODES', { candidates: ['a', 'b'] }, 4],
    ['a user’s node delete at min_size', 'NODE_DELETE', {}, 5],
  ])('keeps members in the pool when the action will refuse %s', (_name, action, inputs, minSize) => {
    const c = fleet({ minSize });
    const p = shrink(action, { inputs, c, node: action === 'NODE_DELETE' ? c.members[0] : undefined });
    expect(p.removals).toEqual([]);
    expect(p.skipped).toBe('size');
  });

  it('removes the member of a node a cluster action deletes even at min_size (no size check there)', () => {
    const c = fleet({ minSize: 5 });
    const ctx = contextFor({}, { action: 'NODE_DELETE', cluster: c, node: c.members[0] });
    const p = planShrink({ ...ctx, action: { ...ctx.action, cause: 'Derived Action with Lifecycle Hook' } });
    expect(removed(p)).toEqual(['a:m-a']);
  });

  it('a replace at min_size still swaps members (its size does not change)', () => {
    const p = shrink('CLUSTER_REPLACE_NODES', { inputs: { candidates: { a: 'x' } }, c: fleet({ minSize: 5 }) });
    expect(removed(p)).toEqual(['a:m-a']);
  });
});

describe('planGrow: which nodes join the pool after a grow', () => {
  const fresh = (id: string, o: Partial<PolicyNode> = {}) => member({ id, ...o });
  const grow = (
    action: ActionName,
    members: PolicyNode[],
    o: {
      outputs?: Record<string, unknown>;
      status?: 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
      inputs?: Record<string, unknown>;
      data?: Record<string, unknown>;
      node?: PolicyNode;
    } = {},
  ) =>
    planGrow(
      contextFor(
        {},
        {
          action,
          cluster: cluster({ members }),
          inputs: o.inputs,
          data: o.data,
          node: o.node,
          outcome: { status: o.status ?? 'SUCCEEDED', outputs: o.outputs ?? {} },
        },
      ),
    );
  const ids = (p: ReturnType<typeof planGrow>) => p.additions.map((n) => n.id);

  it('adds the nodes a cluster action added', () => {
    const members = [fresh('a', { data: { lb_member: 'm-a' } }), fresh('b'), fresh('c')];
    expect(ids(grow('CLUSTER_SCALE_OUT', members, { outputs: { nodes_added: ['b', 'c'] } }))).toEqual(['b', 'c']);
    expect(ids(grow('CLUSTER_ADD_NODES', members, { outputs: { nodes_added: ['c'] } }))).toEqual(['c']);
    expect(ids(grow('CLUSTER_RESIZE', members, { outputs: { nodes_added: ['b'] } }))).toEqual(['b']);
  });

  it('falls back to data.creation.nodes', () => {
    expect(ids(grow('CLUSTER_SCALE_OUT', [fresh('a')], { data: { creation: { count: 1, nodes: ['a'] } } }))).toEqual([
      'a',
    ]);
  });

  it('adds what a partly failed action did add (Senlin added none)', () => {
    const members = [fresh('a'), fresh('b', { status: 'ERROR' })];
    expect(ids(grow('CLUSTER_SCALE_OUT', members, { status: 'FAILED', outputs: { nodes_added: ['a'] } }))).toEqual([
      'a',
    ]);
  });

  it('adds only ACTIVE members with a server that are not in the pool yet', () => {
    const members = [
      fresh('a', { status: 'ERROR' }),
      fresh('b', { physicalId: null }),
      fresh('c', { data: { lb_member: 'm-c' } }),
      fresh('d'),
    ];
    expect(
      ids(grow('CLUSTER_SCALE_OUT', members, { outputs: { nodes_added: ['a', 'b', 'c', 'd', 'gone', 'd'] } })),
    ).toEqual(['d']);
  });

  it('adds the replacements of a replace', () => {
    const members = [fresh('x'), fresh('y')];
    expect(ids(grow('CLUSTER_REPLACE_NODES', members, { inputs: { candidates: { a: 'x', b: 'y' } } }))).toEqual([
      'x',
      'y',
    ]);
  });

  it('adds the created node of a node create, only when it succeeded', () => {
    const n = fresh('n');
    expect(ids(grow('NODE_CREATE', [n], { node: n }))).toEqual(['n']);
    expect(ids(grow('NODE_CREATE', [n], { node: n, status: 'FAILED' }))).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string[], string[], string[]]>([
    ['a recovered node that was never in the pool joins it', {}, ['n'], [], []],
    [
      'a recreated member gets a new member in place of the stale one',
      { lb_member: 'old', recovery: 'RECREATE' },
      ['n'],
      ['n:old'],
      ['n'],
    ],
    ['a rebooted member stays as it is', { lb_member: 'old' }, [], [], []],
    ['a stale marker of an earlier recreate is cleared', { lb_member: 'old', recovery: 'REBOOT' }, [], [], ['n']],
  ])('NODE_RECOVER: %s', (_name, data, additions, stale, cleared) => {
    const n = fresh('n', { data });
    const p = grow('NODE_RECOVER', [n], { node: n });
    expect(ids(p)).toEqual(additions);
    expect(p.stale.map((s) => `${s.node.id}:${s.member}`)).toEqual(stale);
    expect(p.clearRecovery).toEqual(cleared);
  });

  it('NODE_RECOVER: a failed recovery changes nothing', () => {
    const n = fresh('n', { data: { lb_member: 'old', recovery: 'RECREATE' } });
    expect(grow('NODE_RECOVER', [n], { node: n, status: 'FAILED' })).toEqual({
      additions: [],
      stale: [],
      clearRecovery: [],
    });
  });
});

describe('verdicts', () => {
  const a = member({ id: 'a' });
  const b = member({ id: 'b' });

  it('removal: clears removed members and fails the action on a node it could not remove', () => {
    const v = removalVerdict(
      [
        { node: a, member: 'm-a', ok: true },
        { node: b, member: 'm-b', ok: false, error: 'boom' },
      ],
      { members_to_remove: {} },
    );
    expect(v).toEqual({
      record: { members_to_remove: {}, members_removed: { a: 'm-a' } },
      effects: {
        nodeData: { a: { lb_member: null } },
        nodeStatus: { b: { status: 'WARNING', reason: 'Failed in removing node from lb pool.' } },
      },
      failure: "Failed in removing deleted node(s) from lb pool: ['b']",
    });
    expect(removalVerdict([{ node: a, member: 'm-a', ok: true }], undefined).failure).toBeNull();
  });

  it('addition: records new members, clears recovery markers and stale members', () => {
    const v = additionVerdict(
      [
        { node: a, member: 'new-a', ok: true },
        { node: b, member: '', ok: false, error: 'no address on subnet' },
      ],
      { stale: [{ node: a, member: 'old-a' }], clearRecovery: ['a'] },
      { members_removed: { z: 'm-z' } },
    );
    expect(v).toEqual({
      record: { members_removed: { z: 'm-z', a: 'old-a' }, members_added: { a: 'new-a' } },
      effects: {
        nodeData: { a: { recovery: null, lb_member: 'new-a' } },
        nodeStatus: { b: { status: 'WARNING', reason: 'Failed in adding node into lb pool.' } },
      },
      failure: "Failed in adding nodes into lb pool: ['b']",
    });
  });

  it('addition: a recreated node whose new member failed keeps no stale member', () => {
    const v = additionVerdict(
      [{ node: a, member: '', ok: false, error: 'x' }],
      { stale: [{ node: a, member: 'old-a' }], clearRecovery: ['a'] },
      undefined,
    );
    expect(v.effects.nodeData).toEqual({ a: { recovery: null, lb_member: null } });
    expect(v.effects.nodeStatus).toEqual({ a: { status: 'WARNING', reason: 'Failed in adding node into lb pool.' } });
  });

  it('formats ids as Python prints a list', () => {
    expect(pyList(['a', 'b'])).toBe("['a', 'b']");
    expect(pyList([])).toBe('[]');
  });
});

describe('binding and cluster data', () => {
  it("keeps Senlin's binding keys, without the VIP", () => {
    const made = {
      loadbalancer: 'lb',
      listener: 'l',
      pool: 'p',
      healthmonitor: 'hm',
      vip_address: '10.0.0.5',
      preexisting: false,
    };
    expect(bindingDataOf(made)).toEqual({ loadbalancer: 'lb', listener: 'l', pool: 'p', healthmonitor: 'hm' });
    expect(bindingDataOf({ ...made, healthmonitor: null })).toEqual({ loadbalancer: 'lb', listener: 'l', pool: 'p' });
    expect(bindingDataOf({ ...made, listener: null, healthmonitor: null, preexisting: true })).toEqual({
      preexisting: true,
      loadbalancer: 'lb',
      pool: 'p',
    });
  });

  it('reads binding data back, or null when it names no load balancer', () => {
    expect(lbResourcesOf({ preexisting: true, loadbalancer: 'lb', pool: 'p' })).toEqual({
      loadbalancer: 'lb',
      pool: 'p',
      listener: null,
      healthmonitor: null,
      vip_address: null,
      preexisting: true,
    });
    expect(lbResourcesOf({})).toBeNull();
    expect(lbResourcesOf({ loadbalancer: 'lb', pool: null })).toBeNull();
  });

  it("sets and removes the policy's VIP in the cluster's loadbalancers", () => {
    const other = { loadbalancers: { p0: { vip_address: '10.0.0.1' } } };
    expect(clusterLoadBalancers(other, 'p1', { vip_address: '10.0.0.2' })).toEqual({
      p0: { vip_address: '10.0.0.1' },
      p1: { vip_address: '10.0.0.2' },
    });
    expect(clusterLoadBalancers({ loadbalancers: { ...other.loadbalancers, p1: {} } }, 'p1', undefined)).toEqual({
      p0: { vip_address: '10.0.0.1' },
    });
    expect(clusterLoadBalancers({ loadbalancers: { p1: {} } }, 'p1', undefined)).toBeNull();
    expect(clusterLoadBalancers({}, 'p1', { vip_address: null })).toEqual({ p1: { vip_address: null } });
  });

  it('attaches every member that has a server', () => {
    const ok = member({ id: 'a' });
    expect(attachMembers([ok, member({ id: 'b', physicalId: null })])).toEqual([ok]);
  });
});
