import { ADJUSTMENT_TYPES, S, SpecError, type AdjustmentType } from '@grove/core';

export const SCALING_EVENTS = ['CLUSTER_SCALE_IN', 'CLUSTER_SCALE_OUT'] as const;
export type ScalingEvent = (typeof SCALING_EVENTS)[number];

export interface ScalingAdjustment {
  type: AdjustmentType;
  number: number;
  min_step: number;
  best_effort: boolean;
  cooldown: number;
}

/** The resolved `properties` of a `senlin.policy.scaling-1.0` spec. */
export interface ScalingProps {
  event: ScalingEvent;
  /** Absent when the spec leaves it out; read it through `adjustmentOf`. */
  adjustment?: ScalingAdjustment;
}

/** Names, types and defaults follow Senlin's ScalingPolicy (the wire contract). */
export const SCALING_PROPERTIES = {
  event: S.string('The action this policy sizes: CLUSTER_SCALE_IN or CLUSTER_SCALE_OUT.', {
    required: true,
    allowed: SCALING_EVENTS,
  }),
  adjustment: S.map('How far one scaling action goes.', {
    type: S.string('How `number` is read: an absolute size, a number of nodes, or a percentage of the size.', {
      default: 'CHANGE_IN_CAPACITY',
      allowed: ADJUSTMENT_TYPES,
    }),
    number: S.number('The size, node count or percentage, by `type`.', { default: 1 }),
    min_step: S.integer('With CHANGE_IN_PERCENTAGE, the fewest nodes one action adds or removes.', {
      default: 1,
    }),
    best_effort: S.boolean("Scale as far as the cluster's size limits allow instead of failing.", {
      default: false,
    }),
    cooldown: S.integer('Seconds after a scaling action before this policy lets the next one run.', {
      default: 0,
    }),
  }),
};

const ADJUSTMENT_DEFAULTS: ScalingAdjustment = {
  type: 'CHANGE_IN_CAPACITY',
  number: 1,
  min_step: 1,
  best_effort: false,
  cooldown: 0,
};

/**
 * The adjustment with its defaults. Senlin declares `adjustment` optional without a default, then
 * fails to load a policy without one; Grove reads a missing adjustment as the defaults.
 */
export const adjustmentOf = (props: Pick<ScalingProps, 'adjustment'>): ScalingAdjustment =>
  props.adjustment ?? ADJUSTMENT_DEFAULTS;

/** Senlin's checks beyond the schema, with its messages. */
export function checkScalingProperties(props: ScalingProps): void {
  const adj = adjustmentOf(props);
  if (adj.number <= 0) throw new SpecError('adjustment.number', "the 'number' for 'adjustment' must be > 0");
  if (adj.min_step < 0) throw new SpecError('adjustment.min_step', "the 'min_step' for 'adjustment' must be >= 0");
  if (adj.cooldown < 0) throw new SpecError('adjustment.cooldown', "the 'cooldown' for 'adjustment' must be >= 0");
}
