import { S, SpecError } from '@grove/core';

/** The resolved `properties` of a `senlin.policy.zone_placement-1.0` spec. */
export interface ZonePlacementProps {
  zones?: { name?: string; weight: number }[];
}

/** Names, types and defaults follow Senlin's ZonePlacementPolicy (the wire contract). */
export const ZONE_PLACEMENT_PROPERTIES = {
  zones: S.list(
    'Availability zones the cluster spreads its servers over.',
    S.map('An availability zone servers may be placed in.', {
      name: S.string('Name of the availability zone, as Nova lists it.'),
      weight: S.integer("The zone's share of the nodes, relative to the other zones.", { default: 100 }),
    }),
  ),
};

/**
 * What the schema cannot say. Senlin declares `zones` and `name` optional but cannot work without
 * them (its policy fails to load); Grove refuses the spec instead, in Senlin's words for a missing
 * item. A negative weight would plan to remove more nodes than a zone holds.
 */
export function checkZonePlacementProperties(props: ZonePlacementProps): void {
  if (props.zones === undefined) throw new SpecError('zones', "Required spec item 'zones' not provided");
  props.zones.forEach((z, i) => {
    if (z.name === undefined)
      throw new SpecError(`zones[${i}].name`, `Required spec item 'zones[${i}].name' not provided`);
    if (z.weight < 0) throw new SpecError(`zones[${i}].weight`, `the 'weight' of zone '${z.name}' must be >= 0`);
  });
}
