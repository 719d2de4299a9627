import { allow, bound, definePolicyType, refused, veto } from '../policy-type';
import { attachRefusal, healthBefore, healthBindingData, healthRegistration } from './health-hooks';
import { checkHealthProps } from './health-spec-rules';
import { HEALTH_PROPERTIES, type HealthProps } from './health.properties';

/**
 * `senlin.policy.health`: registers the cluster with the health manager, which detects failed
 * nodes and asks for their recovery. The checks pause while an action takes nodes away or changes
 * them on purpose, and resume after it. Detection and recovery themselves live in the health
 * manager; this type is the spec, the registration and the action data.
 *
 * Profile types: Senlin declares `os.nova.server` and `os.heat.stack` but never enforces them (its
 * attach skips the base check), so every profile type may attach; REBOOT and REBUILD recoveries
 * are refused at attach on clusters that are not Nova servers, as in Senlin.
 */
export const healthPolicy = definePolicyType<HealthProps>({
  name: 'senlin.policy.health',
  versions: ['1.0', '1.1', '1.2'],
  supportStatus: {
    '1.0': [
      { status: 'EXPERIMENTAL', since: '2017.02' },
      { status: 'SUPPORTED', since: '2018.06' },
    ],
    '1.1': [{ status: 'SUPPORTED', since: '2018.09' }],
    '1.2': [{ status: 'SUPPORTED', since: '2020.09' }],
  },
  priority: 600,
  profileTypes: 'ANY',
  singleton: true,
  className: 'HealthPolicy',
  targets: {
    before: [
      'CLUSTER_RECOVER',
      'CLUSTER_DEL_NODES',
      'CLUSTER_SCALE_IN',
      'CLUSTER_RESIZE',
      'CLUSTER_UPDATE',
      'CLUSTER_REPLACE_NODES',
      'NODE_DELETE',
    ],
    after: [
      'CLUSTER_DEL_NODES',
      'CLUSTER_SCALE_IN',
      'CLUSTER_RESIZE',
      'CLUSTER_UPDATE',
      'CLUSTER_RECOVER',
      'CLUSTER_REPLACE_NODES',
      'NODE_DELETE',
    ],
  },
  properties: HEALTH_PROPERTIES,
  checkProperties: (props, limits) => checkHealthProps(props, limits.healthCheckIntervalMin),

  attach: (ctx) => {
    const refusal = attachRefusal(ctx.cluster.profileType, ctx.props);
    if (refusal) return Promise.resolve(refused(refusal));
    return Promise.resolve(bound(healthBindingData(ctx.props), { health: healthRegistration(ctx.props, ctx.enabled) }));
  },

  detach: () => Promise.resolve(bound(undefined, { health: { unregister: true } })),

  enabledChanged: (ctx) => Promise.resolve(bound(undefined, { health: { enabled: ctx.enabled } })),

  before(ctx) {
    const d = healthBefore(ctx);
    if ('error' in d) return veto(d.error);
    if ('pause' in d) return ctx.preview ? allow() : allow(undefined, { health: { enabled: false } });
    return allow({ health: d.health });
  },

  // Resuming checks that were not paused changes nothing, and a binding whose hooks run is
  // enabled, so every targeted action ends with the checks on (Senlin resumes only after the
  // actions its BEFORE paused, which leaves the same state).
  after: (ctx) => (ctx.preview ? allow() : allow(undefined, { health: { enabled: true } })),
});
