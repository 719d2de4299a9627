import type { ActionName } from '@grove/core';
import type { HealthRegistryEffect, PolicyContext } from '../policy-type';
import { resizeChange } from '../resize-change';
import { flatMode } from './health-spec-rules';
import type { HealthProps } from './health.properties';

/**
 * The health policy's decisions: what its binding keeps, what the health manager registers, and
 * what each action it targets does to the checks.
 */

/** Senlin's binding data: the detection and recovery settings, detection modes flattened. */
export function healthBindingData(props: HealthProps): Record<string, unknown> {
  return {
    interval: props.detection.interval,
    node_update_timeout: props.detection.node_update_timeout,
    recovery_conditional: props.detection.recovery_conditional,
    node_delete_timeout: props.recovery.node_delete_timeout,
    node_force_recreate: props.recovery.node_force_recreate,
    detection_modes: (props.detection.detection_modes ?? []).map(flatMode),
    ...(props.recovery.max_unhealthy !== undefined ? { max_unhealthy: props.recovery.max_unhealthy } : {}),
  };
}

/**
 * The health manager's registry entry (SL health_manager.register): one check type per detection
 * mode, the poll interval, and as parameters the binding data plus the recovery to ask for.
 */
export function healthRegistration(props: HealthProps, enabled: boolean): HealthRegistryEffect {
  return {
    register: {
      checkTypes: (props.detection.detection_modes ?? []).map((m) => m.type),
      interval: props.detection.interval,
      params: {
        ...healthBindingData(props),
        recover_action: props.recovery.actions ?? [],
        fencing: props.recovery.fencing ?? [],
      },
      enabled,
    },
  };
}

/**
 * Why the policy cannot attach to a cluster of `profileType` (a registry key such as
 * `os.heat.stack-1.0`), or null. Senlin declares nova servers and heat stacks but enforces only
 * this, at attach: REBOOT and REBUILD exist for Nova servers alone.
 */
export function attachRefusal(profileType: string, props: HealthProps): string | null {
  if (profileType.replace(/-[^-]*$/, '') === 'os.nova.server') return null;
  const names = (props.recovery.actions ?? []).map((a) => a.name);
  for (const name of ['REBUILD', 'REBOOT'] as const) {
    if (names.includes(name)) return `Recovery action ${name} is only applicable to os.nova.server clusters.`;
  }
  return null;
}

/** Actions during which the checks pause: they remove, replace or change nodes on purpose. */
const PAUSING: readonly ActionName[] = [
  'CLUSTER_SCALE_IN',
  'CLUSTER_DEL_NODES',
  'NODE_DELETE',
  'CLUSTER_UPDATE',
  'CLUSTER_RECOVER',
  'CLUSTER_REPLACE_NODES',
];

export type HealthBefore =
  /** Pause the cluster's checks until the AFTER hook resumes them. */
  | { readonly pause: true }
  /** Tell the action how nodes are recovered: `data.health`. */
  | { readonly health: { readonly recover_action: unknown; readonly fencing: unknown } }
  /** The resize cannot be worked out; the action fails with this reason. */
  | { readonly error: string };

/**
 * SL HealthPolicy.pre_op: the checks pause for actions that take nodes away or change them (a
 * resize when it shrinks: an earlier policy's `data.deletion`, else the resize worked out against
 * the members); any other targeted action gets `data.health {recover_action, fencing}`.
 */
export function healthBefore(
  ctx: Pick<PolicyContext<HealthProps>, 'action' | 'cluster' | 'limits' | 'props'>,
): HealthBefore {
  const { action } = ctx;
  if (PAUSING.includes(action.name)) return { pause: true };
  if (action.name === 'CLUSTER_RESIZE') {
    if (action.data.deletion) return { pause: true };
    const change = resizeChange(ctx.cluster, action.inputs, ctx.limits.maxNodesPerCluster);
    if ('error' in change) return { error: change.error };
    if (change.delta < 0) return { pause: true };
  }
  return {
    health: { recover_action: ctx.props.recovery.actions ?? [], fencing: ctx.props.recovery.fencing ?? null },
  };
}
