import { mapAt } from '../action-data';
import { allow, definePolicyType, veto, type PolicyContext } from '../policy-type';
import { deletionTarget, type DeletionTarget } from './deletion-count';
import { DELETION_PROPERTIES, type DeletionProps } from './deletion.properties';
import { pickVictims } from './pick-victims';
import { victimsByBucket } from './victims-by-bucket';

/** The victims of a shrink: per region if a region plan exists, else per zone, else among all members. */
function chooseVictims(ctx: PolicyContext<DeletionProps>, target: DeletionTarget): string[] {
  const { members } = ctx.cluster;
  const { criteria } = ctx.props;
  if (target.regions) return victimsByBucket(members, target.regions, 'region_name', criteria, ctx.random);
  if (target.zones) return victimsByBucket(members, target.zones, 'zone', criteria, ctx.random);
  return pickVictims(members, Math.min(target.count, members.length), criteria, ctx.random);
}

/** Chooses which nodes a shrink removes, and how they go. */
export const deletionPolicy = definePolicyType<DeletionProps>({
  name: 'senlin.policy.deletion',
  versions: ['1.0', '1.1'],
  supportStatus: {
    '1.0': [{ status: 'SUPPORTED', since: '2016.04' }],
    '1.1': [{ status: 'SUPPORTED', since: '2018.01' }],
  },
  priority: 400,
  profileTypes: 'ANY',
  singleton: true,
  className: 'DeletionPolicy',
  targets: { before: ['CLUSTER_SCALE_IN', 'CLUSTER_DEL_NODES', 'CLUSTER_RESIZE', 'NODE_DELETE'] },
  properties: DELETION_PROPERTIES,

  before(ctx) {
    const { action, props } = ctx;
    // Kept beside the victims: regions or zones a placement policy planned (SL _update_action).
    const decide = (victims: string[]) => ({
      deletion: {
        ...mapAt(action.data, 'deletion'),
        count: victims.length,
        candidates: victims,
        destroy_after_deletion: props.destroy_after_deletion,
        grace_period: props.grace_period,
        reduce_desired_capacity: props.reduce_desired_capacity,
      },
    });

    // Nodes the user named go as named (del_nodes; the api has vetted them).
    const named = Array.isArray(action.inputs.candidates)
      ? action.inputs.candidates.filter((c): c is string => typeof c === 'string')
      : [];
    if (named.length) return allow(decide(named));
    if (action.name === 'NODE_DELETE') return allow(decide([ctx.node?.id ?? action.target]));

    const target = deletionTarget(action, ctx.cluster, ctx.limits.maxNodesPerCluster);
    if (target === null) return allow();
    if ('error' in target) return veto(target.error);
    // Senlin hands the lifecycle hook on only for shrinks it sizes itself, not for named nodes;
    // `{}` (no hook) is left out rather than written.
    const hooks = Object.keys(props.hooks).length > 0 ? { hooks: props.hooks } : {};
    return allow({ ...decide(chooseVictims(ctx, target)), ...hooks });
  },
});
