import { renderSchema, type ActionName } from '@grove/core';
import { PolicyRegistry } from '../registry';
import { cluster, contextFor, member, noPorts, portsWith, specError, withoutDescriptions } from '../test-support';
import { zonePlacementPolicy } from './zone-placement.policy';
import type { ZonePlacementProps } from './zone-placement.properties';

// The spec of Senlin's own zone placement tests.
const PROPS: ZonePlacementProps = {
  zones: [
    { name: 'AZ1', weight: 100 },
    { name: 'AZ2', weight: 80 },
    { name: 'AZ3', weight: 60 },
    { name: 'AZ4', weight: 40 },
  ],
};
const inZone = (zone: string, n: number) => Array.from({ length: n }, () => member({ data: { placement: { zone } } }));
// AZ1 4, AZ2 5, AZ3 1, AZ4 1.
const members = [...inZone('AZ1', 4), ...inZone('AZ2', 5), ...inZone('AZ3', 1), ...inZone('AZ4', 1)];
const web = cluster({ minSize: 0, maxSize: -1, members });
const nova = (zones: string[]) => portsWith({ compute: { availabilityZones: () => Promise.resolve(zones) } });
const ALL = nova(['AZ1', 'AZ2', 'AZ3', 'AZ4', 'nova']);

type Options = Omit<Parameters<typeof contextFor>[1], 'action'>;
const before = async (action: ActionName, o: Options & { props?: ZonePlacementProps } = {}) =>
  zonePlacementPolicy.before!(contextFor(o.props ?? PROPS, { cluster: web, ports: ALL, ...o, action }));

describe('senlin.policy.zone_placement BEFORE', () => {
  it('plans a scale-in from the zone furthest over its share, beside the scaling decision', async () => {
    expect(await before('CLUSTER_SCALE_IN', { data: { deletion: { count: 3 } } })).toEqual({
      kind: 'allow',
      data: { deletion: { count: 3, zones: { AZ2: 3 } } },
    });
  });

  it('plans a scale-out by weight', async () => {
    // Size 14 shared 100:80:60:40 gives quotas 5, 4, 3, 2: AZ1 has room for 1, AZ2 none, AZ3 for 2.
    expect(await before('CLUSTER_SCALE_OUT', { inputs: { count: 3 } })).toEqual({
      kind: 'allow',
      data: { creation: { count: 3, zones: { AZ1: 1, AZ3: 2 } } },
    });
  });

  it('leaves out zones that are down now', async () => {
    expect(await before('CLUSTER_SCALE_OUT', { inputs: { count: 2 }, ports: nova(['AZ3', 'AZ4']) })).toMatchObject({
      // Size 4 over AZ3 and AZ4 alone: AZ3's quota of 3 leaves room for both.
      data: { creation: { count: 2, zones: { AZ3: 2 } } },
    });
    expect(await before('CLUSTER_SCALE_OUT', { ports: nova(['nova']) })).toEqual({
      kind: 'veto',
      reason: 'No availability zone found available.',
    });
  });

  it('places a node created into the cluster, unless the profile sets a zone', async () => {
    expect(await before('NODE_CREATE', { node: members[0] })).toMatchObject({
      data: { creation: { count: 1, zones: { AZ1: 1 } } },
    });
    const pinned = cluster({ members, profileProperties: { availability_zone: 'AZ1' } });
    expect(await before('NODE_CREATE', { cluster: pinned, node: members[0], ports: noPorts })).toEqual({
      kind: 'allow',
    });
  });

  it('vetoes when no zone may take a node', async () => {
    const empty: ZonePlacementProps = { zones: [{ name: 'AZ1', weight: 0 }] };
    expect(await before('CLUSTER_SCALE_OUT', { props: empty })).toEqual({
      kind: 'veto',
      reason: 'There is no feasible plan to handle all nodes.',
    });
  });

  it("plans a resize, and vetoes one that cannot be done in Senlin's words", async () => {
    const down = { adjustment_type: 'CHANGE_IN_CAPACITY', number: -3, strict: true };
    expect(await before('CLUSTER_RESIZE', { inputs: down })).toMatchObject({
      data: { deletion: { zones: { AZ2: 3 } } },
    });
    const tooFar = { adjustment_type: 'EXACT_CAPACITY', number: 2000, strict: true };
    expect(await before('CLUSTER_RESIZE', { inputs: tooFar, ports: noPorts })).toEqual({
      kind: 'veto',
      reason: 'The target capacity (2000) is greater than the maximum number of nodes allowed per cluster (1000).',
    });
  });
});

describe('senlin.policy.zone_placement spec', () => {
  const registry = new PolicyRegistry([zonePlacementPolicy as never]);
  const validate = (properties: Record<string, unknown>) =>
    registry.validate({ type: 'senlin.policy.zone_placement', version: '1.0', properties }).properties;

  it("renders Senlin's schema", () => {
    const item = (type: string, dflt?: unknown) => ({
      type,
      required: false,
      updatable: false,
      ...(dflt === undefined ? {} : { default: dflt }),
    });
    expect(withoutDescriptions(renderSchema(zonePlacementPolicy.properties))).toEqual({
      zones: {
        ...item('List'),
        schema: { '*': { ...item('Map'), schema: { name: item('String'), weight: item('Integer', 100) } } },
      },
    });
  });

  it.each([
    [{}, 'zones', "Required spec item 'zones' not provided"],
    [{ zones: [{ weight: 3 }] }, 'zones[0].name', "Required spec item 'zones[0].name' not provided"],
    [{ zones: [{ name: 'AZ1', weight: -5 }] }, 'zones[0].weight', "the 'weight' of zone 'AZ1' must be >= 0"],
    [{ zones: [{ name: 'AZ1', cap: 3 }] }, 'zones[0].cap', "Unrecognizable spec item 'zones[0].cap'"],
  ])('refuses %j', (properties, path, reason) => {
    expect(specError(() => validate(properties))).toEqual({ path, reason });
  });

  it('checks the zones exist in Nova, naming the missing ones as Senlin does', async () => {
    const signal = new AbortController().signal;
    const props = validate({ zones: [{ name: 'AZ3' }, { name: 'AZ1' }, { name: 'AZ2' }] }) as ZonePlacementProps;
    await expect(zonePlacementPolicy.validate!(props, nova(['AZ1']), signal)).rejects.toMatchObject({
      path: 'zones',
      reason: "The specified name '['AZ2', 'AZ3']' could not be found.",
    });
    await expect(zonePlacementPolicy.validate!(props, nova(['AZ1', 'AZ2', 'AZ3']), signal)).resolves.toBeUndefined();
  });
});
