import { mapAt } from '../action-data';
import { allow, definePolicyType, veto } from '../policy-type';
import { cooldownRemaining, scalingCount } from './scaling-count';
import {
  adjustmentOf,
  checkScalingProperties,
  SCALING_EVENTS,
  SCALING_PROPERTIES,
  type ScalingProps,
} from './scaling.properties';

/** Sizes scale-in or scale-out actions (one event per policy) and holds the next one for a cooldown. */
export const scalingPolicy = definePolicyType<ScalingProps>({
  name: 'senlin.policy.scaling',
  versions: ['1.0'],
  supportStatus: { '1.0': [{ status: 'SUPPORTED', since: '2016.04' }] },
  priority: 100,
  profileTypes: 'ANY',
  // A cluster usually has two: one for scaling in, one for scaling out.
  singleton: false,
  className: 'ScalingPolicy',
  targets: { before: [...SCALING_EVENTS], after: [...SCALING_EVENTS] },
  properties: SCALING_PROPERTIES,
  checkProperties: checkScalingProperties,

  // Only the policy of the action's own event sizes it.
  before(ctx) {
    const { action, cluster, props } = ctx;
    if (action.name !== props.event) return allow();
    if (cooldownRemaining(props, ctx.binding.lastOp, ctx.now) > 0)
      return veto(`Policy ${ctx.binding.policyId} cooldown is still in progress.`);
    const result = scalingCount(adjustmentOf(props), {
      event: props.event,
      count: action.inputs.count,
      cluster,
      current: cluster.members.length,
      maxNodesPerCluster: ctx.limits.maxNodesPerCluster,
    });
    if ('error' in result) return veto(result.error);
    const key = props.event === 'CLUSTER_SCALE_IN' ? 'deletion' : 'creation';
    return allow({ [key]: { ...mapAt(action.data, key), count: result.count } });
  },

  // Every scaling policy restarts its cooldown after any scale-in or scale-out, whatever its event
  // and however the action ended (SL need_check, post_op).
  after: () => allow(undefined, { stampLastOp: true }),
});
