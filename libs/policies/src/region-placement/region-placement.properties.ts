import { S, SpecError } from '@grove/core';

/** The resolved `properties` of a `senlin.policy.region_placement-1.0` spec. */
export interface RegionPlacementProps {
  regions?: { name?: string; weight: number; cap: number }[];
}

/** Names, types and defaults follow Senlin's RegionPlacementPolicy (the wire contract). */
export const REGION_PLACEMENT_PROPERTIES = {
  regions: S.list(
    'Regions the cluster spreads its nodes over.',
    S.map('A region nodes may be placed in.', {
      name: S.string('Name of the region, as Keystone lists it.'),
      weight: S.integer("The region's share of the nodes, relative to the other regions.", { default: 100 }),
      cap: S.integer('Most nodes the region may hold; -1 for no limit.', { default: -1 }),
    }),
  ),
};

/**
 * What the schema cannot say. Senlin declares `regions` and `name` optional but cannot work
 * without them (its policy fails to load); Grove refuses the spec instead, in Senlin's words for a
 * missing item. A negative weight would plan to remove more nodes than a region holds.
 */
export function checkRegionPlacementProperties(props: RegionPlacementProps): void {
  if (props.regions === undefined) throw new SpecError('regions', "Required spec item 'regions' not provided");
  props.regions.forEach((r, i) => {
    if (r.name === undefined)
      throw new SpecError(`regions[${i}].name`, `Required spec item 'regions[${i}].name' not provided`);
    if (r.weight < 0) throw new SpecError(`regions[${i}].weight`, `the 'weight' of region '${r.name}' must be >= 0`);
  });
}
