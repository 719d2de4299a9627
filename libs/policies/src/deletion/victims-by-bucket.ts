import { placementOf, type PlacementPlan } from '../placement/placement-plan';
import type { PolicyNode } from '../policy-type';
import { pickVictims, type DeletionCriteria, type VictimCandidate } from './pick-victims';

/**
 * Victims per region or zone, as a placement policy planned them (SL _victims_by_regions /
 * _victims_by_zones): buckets in name order, each choosing among the members placed there, bad
 * nodes first, then by `criteria`. A bucket never gives more nodes than it holds.
 */
export function victimsByBucket(
  members: readonly (VictimCandidate & Pick<PolicyNode, 'data'>)[],
  plan: Readonly<PlacementPlan>,
  key: 'region_name' | 'zone',
  criteria: DeletionCriteria,
  random: () => number,
): string[] {
  return Object.keys(plan)
    .sort()
    .flatMap((bucket) => {
      const n = plan[bucket];
      const count = Number.isInteger(n) && n > 0 ? n : 0;
      return pickVictims(
        members.filter((m) => placementOf(m, key) === bucket),
        count,
        criteria,
        random,
      );
    });
}
