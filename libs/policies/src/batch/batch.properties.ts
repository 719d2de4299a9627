import { S, SpecError } from '@grove/core';

/** The resolved `properties` of a `senlin.policy.batch-1.0` spec. */
export interface BatchProps {
  min_in_service: number;
  max_batch_size: number;
  pause_time: number;
}

/** Names, types and defaults follow Senlin's BatchPolicy (the wire contract). */
export const BATCH_PROPERTIES = {
  min_in_service: S.integer('Fewest nodes that stay in service while the others are updated.', { default: 1 }),
  max_batch_size: S.integer('Most nodes updated at once; -1 for no limit.', { default: -1 }),
  pause_time: S.integer('Seconds to wait between two batches.', { default: 60 }),
};

/**
 * Grove's checks (Senlin has none): a batch size of 0 or below -1 leaves Senlin's update with no
 * batch to run, and a negative pause makes it fail between batches.
 */
export function checkBatchProperties(props: BatchProps): void {
  if (props.max_batch_size === 0 || props.max_batch_size < -1)
    throw new SpecError('max_batch_size', "the 'max_batch_size' must be > 0, or -1 for no limit");
  if (props.pause_time < 0) throw new SpecError('pause_time', "the 'pause_time' must be >= 0");
}
