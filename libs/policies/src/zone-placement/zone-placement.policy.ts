import { SpecError } from '@grove/core';
import { pyList } from '../action-data';
import { decidePlacement, uniqueByName, validationOptions } from '../placement/decide-placement';
import type { PlacementCandidate } from '../placement/placement-plan';
import { definePolicyType } from '../policy-type';
import {
  checkZonePlacementProperties,
  ZONE_PLACEMENT_PROPERTIES,
  type ZonePlacementProps,
} from './zone-placement.properties';

/** The spec's zones, one per name. */
export const zoneCandidates = (props: ZonePlacementProps): PlacementCandidate[] =>
  uniqueByName((props.zones ?? []).map((z) => ({ name: z.name ?? '', weight: z.weight })));

/** Spreads a cluster's servers over availability zones by weight. */
export const zonePlacementPolicy = definePolicyType<ZonePlacementProps>({
  name: 'senlin.policy.zone_placement',
  versions: ['1.0'],
  supportStatus: {
    '1.0': [
      { status: 'EXPERIMENTAL', since: '2016.04' },
      { status: 'SUPPORTED', since: '2016.10' },
    ],
  },
  priority: 300,
  profileTypes: ['os.nova.server-1.0'],
  singleton: true,
  className: 'ZonePlacementPolicy',
  targets: { before: ['CLUSTER_SCALE_OUT', 'CLUSTER_SCALE_IN', 'CLUSTER_RESIZE', 'NODE_CREATE'] },
  properties: ZONE_PLACEMENT_PROPERTIES,
  checkProperties: checkZonePlacementProperties,

  async validate(props, ports, signal) {
    const wanted = zoneCandidates(props)
      .map((z) => z.name)
      .sort();
    const known = new Set(await ports.compute.availabilityZones(validationOptions(signal)));
    const missing = wanted.filter((z) => !known.has(z));
    // Senlin names the item by its key, `name`.
    if (missing.length) throw new SpecError('zones', `The specified name '${pyList(missing)}' could not be found.`);
  },

  // Zones that are down now are left out of the plan (SL validate_azs at run time).
  before: (ctx) =>
    decidePlacement(ctx, {
      planKey: 'zones',
      nodeKey: 'zone',
      candidates: zoneCandidates(ctx.props),
      pinnedByProfile: Boolean(ctx.cluster.profileProperties.availability_zone),
      usable: () => ctx.ports.compute.availabilityZones({ signal: ctx.signal, deadline: ctx.deadline }),
      noneUsable: 'No availability zone found available.',
    }),
});
