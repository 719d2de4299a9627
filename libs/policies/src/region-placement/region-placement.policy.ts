import { SpecError } from '@grove/core';
import { isMap, pyList } from '../action-data';
import { decidePlacement, uniqueByName, validationOptions } from '../placement/decide-placement';
import type { PlacementCandidate } from '../placement/placement-plan';
import { definePolicyType } from '../policy-type';
import {
  checkRegionPlacementProperties,
  REGION_PLACEMENT_PROPERTIES,
  type RegionPlacementProps,
} from './region-placement.properties';

/** The spec's regions, one per name. */
export const regionCandidates = (props: RegionPlacementProps): PlacementCandidate[] =>
  uniqueByName((props.regions ?? []).map((r) => ({ name: r.name ?? '', weight: r.weight, cap: r.cap })));

/** Spreads a cluster's nodes over regions by weight, within each region's cap. */
export const regionPlacementPolicy = definePolicyType<RegionPlacementProps>({
  name: 'senlin.policy.region_placement',
  versions: ['1.0'],
  supportStatus: {
    '1.0': [
      { status: 'EXPERIMENTAL', since: '2016.04' },
      { status: 'SUPPORTED', since: '2016.10' },
    ],
  },
  priority: 200,
  profileTypes: 'ANY',
  singleton: true,
  className: 'RegionPlacementPolicy',
  targets: { before: ['CLUSTER_SCALE_OUT', 'CLUSTER_SCALE_IN', 'CLUSTER_RESIZE', 'NODE_CREATE'] },
  properties: REGION_PLACEMENT_PROPERTIES,
  checkProperties: checkRegionPlacementProperties,

  async validate(props, ports, signal) {
    const wanted = regionCandidates(props)
      .map((r) => r.name)
      .sort();
    const known = new Set(await ports.identity.regions(validationOptions(signal)));
    const missing = wanted.filter((r) => !known.has(r));
    if (missing.length)
      throw new SpecError('regions', `The specified regions '${pyList(missing)}' could not be found.`);
  },

  before: (ctx) => {
    const context = ctx.cluster.profileProperties.context;
    return decidePlacement(ctx, {
      planKey: 'regions',
      nodeKey: 'region_name',
      candidates: regionCandidates(ctx.props),
      pinnedByProfile: isMap(context) && 'region_name' in context,
      usable: () => ctx.ports.identity.regions({ signal: ctx.signal, deadline: ctx.deadline }),
      noneUsable: 'No region is found usable.',
    });
  },
});
