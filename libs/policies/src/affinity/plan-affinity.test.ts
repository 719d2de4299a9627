import type { ActionName } from '@grove/core';
import { cluster, contextFor, member } from '../test-support';
import type { AffinityProps } from './affinity.properties';
import {
  creationCount,
  drsHypervisor,
  groupPolicy,
  placementData,
  placementZone,
  policyMismatch,
  randomGroupName,
  serverGroupName,
} from './plan-affinity';

const props = (o: Partial<AffinityProps> = {}): AffinityProps => ({ enable_drs_extension: false, ...o });

describe('server group choice', () => {
  it.each<[string, AffinityProps, Record<string, unknown>, string | null]>([
    ['the policy’s name', props({ servergroup: { name: 'web', policies: 'affinity' } }), {}, 'web'],
    [
      'the policy’s name over the profile’s group',
      props({ servergroup: { name: 'web', policies: 'affinity' } }),
      { scheduler_hints: { group: 'g' } },
      'web',
    ],
    [
      'the profile’s scheduler_hints.group',
      props({ servergroup: { policies: 'affinity' } }),
      { scheduler_hints: { group: 'g' } },
      'g',
    ],
    ['no name at all', props(), { scheduler_hints: { other: 1 } }, null],
    ['a group hint that is not a string', props(), { scheduler_hints: { group: 7 } }, null],
  ])('looks for %s', (_name, p, profile, expected) => {
    expect(serverGroupName(p, profile)).toBe(expected);
  });

  it('defaults to anti-affinity', () => {
    expect(groupPolicy(props())).toBe('anti-affinity');
    expect(groupPolicy(props({ servergroup: { policies: 'soft-affinity' } }))).toBe('soft-affinity');
  });

  it("reuses a group only when its policy matches (Senlin's message otherwise)", () => {
    expect(policyMismatch('affinity', 'affinity')).toBeNull();
    expect(policyMismatch('anti-affinity', 'affinity')).toBe(
      "Policies specified (anti-affinity) doesn't match that of the existing servergroup (affinity).",
    );
  });

  it('names a new group server_group_ and eight characters, a letter first', () => {
    const seq = [0, 0.99, 0.5, 0.1, 0.2, 0.3, 0.4, 0.999];
    let i = 0;
    const name = randomGroupName(() => seq[i++ % seq.length]);
    expect(name).toMatch(/^server_group_[a-zA-Z][a-zA-Z0-9]{7}$/);
    expect(name).toBe('server_group_a9Fgmsy9');
  });
});

describe('creationCount', () => {
  const members = [member(), member(), member()];
  const count = (action: ActionName, o: { inputs?: Record<string, unknown>; data?: Record<string, unknown> } = {}) =>
    creationCount(contextFor({}, { action, cluster: cluster({ members, maxSize: 5 }), ...o }));

  it.each<[string, ActionName, Record<string, unknown>, Record<string, unknown>, number | null]>([
    ['an earlier policy’s creation count', 'CLUSTER_SCALE_OUT', { count: 5 }, { creation: { count: 2 } }, 2],
    ['a creation decision without count', 'CLUSTER_SCALE_OUT', {}, { creation: {} }, 1],
    ['a scale-out’s count', 'CLUSTER_SCALE_OUT', { count: 2 }, {}, 2],
    ['a scale-out’s count as a string', 'CLUSTER_SCALE_OUT', { count: '2' }, {}, 2],
    ['a plain scale-out', 'CLUSTER_SCALE_OUT', {}, {}, 1],
    ['an invalid scale-out count', 'CLUSTER_SCALE_OUT', { count: 'x' }, {}, null],
    ['a node create', 'NODE_CREATE', {}, {}, 1],
    ['a growing resize', 'CLUSTER_RESIZE', { adjustment_type: 'EXACT_CAPACITY', number: 5, strict: true }, {}, 2],
    ['a resize to the same size', 'CLUSTER_RESIZE', { min_size: 0, strict: true }, {}, 0],
    [
      'a shrinking resize',
      'CLUSTER_RESIZE',
      { adjustment_type: 'CHANGE_IN_CAPACITY', number: -1, strict: true },
      {},
      null,
    ],
    [
      'a resize beyond max_size',
      'CLUSTER_RESIZE',
      { adjustment_type: 'EXACT_CAPACITY', number: 6, strict: true },
      {},
      null,
    ],
  ])('takes %s', (_name, action, inputs, data, expected) => {
    expect(count(action, { inputs, data })).toBe(expected);
  });
});

describe('placement', () => {
  it('puts every new node into the group, and the zone when there is one', () => {
    expect(placementData(2, 'sg', 'az1', undefined)).toEqual({
      count: 2,
      placements: [
        { servergroup: 'sg', zone: 'az1' },
        { servergroup: 'sg', zone: 'az1' },
      ],
    });
    expect(placementData(0, 'sg', null, undefined)).toEqual({ count: 0, placements: [] });
  });

  it("keeps another policy's earlier placement except what it sets", () => {
    const earlier = { count: 2, placements: [{ zone: 'az2', region: 'r' }, { zone: 'az3' }] };
    expect(placementData(2, 'sg', null, earlier).placements).toEqual([
      { zone: 'az2', region: 'r', servergroup: 'sg' },
      { zone: 'az3', servergroup: 'sg' },
    ]);
    expect(placementData(1, 'sg', 'az1', earlier).placements).toEqual([
      { zone: 'az1', region: 'r', servergroup: 'sg' },
    ]);
  });

  it.each<[Partial<AffinityProps>, string | null, string | null]>([
    [{}, null, null],
    [{ availability_zone: 'az1' }, null, 'az1'],
    [{ enable_drs_extension: true }, 'esx-7', 'nova:esx-7'],
    [{ enable_drs_extension: true, availability_zone: 'vc' }, 'esx-7', 'vc:esx-7'],
  ])('zone of %j with DRS host %s is %s', (p, host, zone) => {
    expect(placementZone(props(p), host)).toBe(zone);
  });

  it('finds the DRS hypervisor as Senlin’s pattern does', () => {
    const h = (id: string, hostname: string) => ({ id, hostname, serviceHost: `host-${id}` });
    expect(drsHypervisor([h('1', 'kvm-01'), h('2', 'vc-DRS-cluster'), h('3', 'drs-2')])).toEqual(
      h('2', 'vc-DRS-cluster'),
    );
    expect(drsHypervisor([h('1', 'hydra-01')])).toEqual(h('1', 'hydra-01'));
    expect(drsHypervisor([h('1', 'kvm-01')])).toBeNull();
  });
});
