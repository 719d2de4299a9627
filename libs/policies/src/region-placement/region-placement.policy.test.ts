import { renderSchema, type ActionName } from '@grove/core';
import type { PolicyPorts } from '../ports';
import { PolicyRegistry } from '../registry';
import { cluster, contextFor, member, noPorts, portsWith, specError, withoutDescriptions } from '../test-support';
import { regionPlacementPolicy } from './region-placement.policy';
import type { RegionPlacementProps } from './region-placement.properties';

// The spec of Senlin's own region placement tests.
const PROPS: RegionPlacementProps = {
  regions: [
    { name: 'R1', weight: 100, cap: 50 },
    { name: 'R2', weight: 50, cap: 50 },
    { name: 'R3', weight: 30, cap: -1 },
    { name: 'R4', weight: 20, cap: -1 },
  ],
};
const inRegion = (region: string, n: number) =>
  Array.from({ length: n }, () => member({ data: { placement: { region_name: region } } }));
// R1 2, R2 2, R3 0, R4 1, and one node placed nowhere.
const members = [...inRegion('R1', 2), ...inRegion('R2', 2), ...inRegion('R4', 1), member()];
const web = cluster({ minSize: 0, maxSize: 20, members });
const keystone = (regions: string[]) => portsWith({ identity: { regions: () => Promise.resolve(regions) } });
const ALL = keystone(['R1', 'R2', 'R3', 'R4', 'RegionOne']);

type Options = Omit<Parameters<typeof contextFor>[1], 'action'>;
const before = async (action: ActionName, o: Options & { props?: RegionPlacementProps } = {}) =>
  regionPlacementPolicy.before!(contextFor(o.props ?? PROPS, { cluster: web, ports: ALL, ...o, action }));

describe('senlin.policy.region_placement BEFORE', () => {
  it('places a scale-out by weight, beside what the scaling policy decided', async () => {
    expect(await before('CLUSTER_SCALE_OUT', { data: { creation: { count: 5 } } })).toEqual({
      kind: 'allow',
      data: { creation: { count: 5, regions: { R1: 3, R2: 1, R3: 1 } } },
    });
  });

  it('takes the count from the request, else 1', async () => {
    expect(await before('CLUSTER_SCALE_OUT', { inputs: { count: 5 } })).toMatchObject({
      data: { creation: { count: 5, regions: { R1: 3, R2: 1, R3: 1 } } },
    });
    expect(await before('CLUSTER_SCALE_OUT')).toMatchObject({ data: { creation: { count: 1, regions: { R1: 1 } } } });
  });

  it('plans a scale-in from the lightest regions, keeping earlier deletion keys', async () => {
    expect(await before('CLUSTER_SCALE_IN', { data: { deletion: { count: 3, grace_period: 5 } } })).toEqual({
      kind: 'allow',
      data: { deletion: { count: 3, grace_period: 5, regions: { R2: 2, R4: 1 } } },
    });
  });

  it('plans a resize from its own arithmetic against the live members', async () => {
    const inputs = { adjustment_type: 'CHANGE_IN_CAPACITY', number: -3, strict: true };
    expect(await before('CLUSTER_RESIZE', { inputs })).toMatchObject({
      data: { deletion: { count: 3, regions: { R2: 2, R4: 1 } } },
    });
  });

  it("vetoes a resize that cannot be done, in Senlin's words, without asking the cloud", async () => {
    const inputs = { adjustment_type: 'EXACT_CAPACITY', number: 21, strict: true };
    expect(await before('CLUSTER_RESIZE', { inputs, ports: noPorts })).toEqual({
      kind: 'veto',
      reason: "The target capacity (21) is greater than the cluster's max_size (20).",
    });
  });

  it('stays out of actions that change nothing, without asking the cloud', async () => {
    const same = { adjustment_type: 'CHANGE_IN_CAPACITY', number: 0, strict: true };
    expect(await before('CLUSTER_RESIZE', { inputs: same, ports: noPorts })).toEqual({ kind: 'allow' });
    expect(await before('CLUSTER_SCALE_OUT', { data: { creation: { count: 0 } }, ports: noPorts })).toEqual({
      kind: 'allow',
    });
  });

  it('places a node created into the cluster, unless the profile pins its region', async () => {
    expect(await before('NODE_CREATE', { node: members[5] })).toMatchObject({
      data: { creation: { count: 1, regions: { R1: 1 } } },
    });
    const pinned = cluster({ members, profileProperties: { context: { region_name: 'R2' } } });
    expect(await before('NODE_CREATE', { cluster: pinned, node: members[5], ports: noPorts })).toEqual({
      kind: 'allow',
    });
  });

  it('leaves out regions Keystone no longer lists', async () => {
    expect(await before('CLUSTER_SCALE_OUT', { inputs: { count: 2 }, ports: keystone(['R3', 'R4']) })).toMatchObject({
      data: { creation: { count: 2, regions: { R3: 2 } } },
    });
    expect(await before('CLUSTER_SCALE_OUT', { ports: keystone(['RegionOne']) })).toEqual({
      kind: 'veto',
      reason: 'No region is found usable.',
    });
  });

  it('vetoes a plan the caps cannot hold', async () => {
    const capped: RegionPlacementProps = { regions: [{ name: 'R1', weight: 100, cap: 2 }] };
    expect(await before('CLUSTER_SCALE_OUT', { props: capped, inputs: { count: 1 } })).toEqual({
      kind: 'veto',
      reason: 'There is no feasible plan to handle all nodes.',
    });
  });

  it('decides the same in a preview', async () => {
    const o = { inputs: { count: 5 } };
    expect(await before('CLUSTER_SCALE_OUT', { ...o, preview: true })).toEqual(await before('CLUSTER_SCALE_OUT', o));
  });
});

describe('senlin.policy.region_placement spec', () => {
  const registry = new PolicyRegistry([regionPlacementPolicy as never]);
  const validate = (properties: Record<string, unknown>) =>
    registry.validate({ type: 'senlin.policy.region_placement', version: '1.0', properties }).properties;

  it("renders Senlin's schema", () => {
    const item = (type: string, dflt?: unknown) => ({
      type,
      required: false,
      updatable: false,
      ...(dflt === undefined ? {} : { default: dflt }),
    });
    expect(withoutDescriptions(renderSchema(regionPlacementPolicy.properties))).toEqual({
      regions: {
        ...item('List'),
        schema: {
          '*': {
            ...item('Map'),
            schema: { name: item('String'), weight: item('Integer', 100), cap: item('Integer', -1) },
          },
        },
      },
    });
  });

  it('fills in weights and caps', () => {
    expect(validate({ regions: [{ name: 'R1' }, { name: 'R2', weight: '5', cap: 3 }] })).toEqual({
      regions: [
        { name: 'R1', weight: 100, cap: -1 },
        { name: 'R2', weight: 5, cap: 3 },
      ],
    });
  });

  it.each([
    [{}, 'regions', "Required spec item 'regions' not provided"],
    [
      { regions: [{ name: 'R1' }, { weight: 3 }] },
      'regions[1].name',
      "Required spec item 'regions[1].name' not provided",
    ],
    [{ regions: [{ name: 'R1', weight: -1 }] }, 'regions[0].weight', "the 'weight' of region 'R1' must be >= 0"],
    [{ regions: [{ name: 'R1', size: 3 }] }, 'regions[0].size', "Unrecognizable spec item 'regions[0].size'"],
  ])('refuses %j', (properties, path, reason) => {
    expect(specError(() => validate(properties))).toEqual({ path, reason });
  });

  it('checks the regions exist in Keystone, naming the missing ones as Senlin does', async () => {
    const signal = new AbortController().signal;
    const props: RegionPlacementProps = {
      regions: ['R4', 'R3', 'R2', 'R1'].map((name) => ({ name, weight: 100, cap: -1 })),
    };
    const ports: PolicyPorts = keystone(['R2', 'R4']);
    await expect(regionPlacementPolicy.validate!(props, ports, signal)).rejects.toMatchObject({
      path: 'regions',
      reason: "The specified regions '['R1', 'R3']' could not be found.",
    });
    await expect(
      regionPlacementPolicy.validate!(props, keystone(['R1', 'R2', 'R3', 'R4']), signal),
    ).resolves.toBeUndefined();
  });
});
