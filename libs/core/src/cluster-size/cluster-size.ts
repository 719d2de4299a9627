/**
 * Size arithmetic shared by the api (which refuses impossible requests up front) and the engine
 * (which repeats it under the cluster lock against the live node count). Messages are Senlin's.
 */
export const ADJUSTMENT_TYPES = ['EXACT_CAPACITY', 'CHANGE_IN_CAPACITY', 'CHANGE_IN_PERCENTAGE'] as const;
export type AdjustmentType = (typeof ADJUSTMENT_TYPES)[number];

export interface SizeBounds {
  minSize: number;
  /** -1 means unbounded. */
  maxSize: number;
  desiredCapacity: number;
}

/** The capacity a resize asks for. Percentages round away from zero below one node, toward zero above. */
export function calculateDesired(current: number, type: AdjustmentType, num: number, minStep: number | null): number {
  if (type === 'EXACT_CAPACITY') return num;
  if (type === 'CHANGE_IN_CAPACITY') return current + num;
  const delta = (num * current) / 100;
  const rounded =
    delta > 0
      ? Math.abs(delta) < 1
        ? Math.ceil(delta)
        : Math.floor(delta)
      : Math.abs(delta) < 1
        ? Math.floor(delta)
        : Math.ceil(delta);
  if (minStep !== null && minStep > Math.abs(rounded)) return current + (rounded > 0 ? minStep : -minStep);
  return current + rounded;
}

/** Non-strict resizes clamp the target into the new bounds (if given) or else the cluster's. */
export function truncateDesired(
  cluster: SizeBounds,
  desired: number,
  minSize: number | null,
  maxSize: number | null,
): number {
  let d = desired;
  if (minSize !== null && d < minSize) d = minSize;
  if (minSize === null && d < cluster.minSize) d = cluster.minSize;
  if (maxSize !== null && maxSize > 0 && d > maxSize) d = maxSize;
  if (maxSize === null && cluster.maxSize > 0 && d > cluster.maxSize) d = cluster.maxSize;
  return d;
}

export interface SizeCheck {
  cluster?: SizeBounds;
  desired?: number | null;
  minSize?: number | null;
  maxSize?: number | null;
  strict?: boolean;
  maxNodesPerCluster: number;
}

/** Returns why the sizes cannot work together, or null when they can. */
export function checkSizeParams(c: SizeCheck): string | null {
  const { cluster, strict = false, maxNodesPerCluster: cap } = c;
  const desired = c.desired ?? null;
  const minSize = c.minSize ?? null;
  const maxSize = c.maxSize ?? null;

  if (desired !== null) {
    if (desired > cap)
      return `The target capacity (${desired}) is greater than the maximum number of nodes allowed per cluster (${cap}).`;
    if (minSize !== null && desired < minSize)
      return `The target capacity (${desired}) is less than the specified min_size (${minSize}).`;
    if (minSize === null && cluster && desired < cluster.minSize && strict)
      return `The target capacity (${desired}) is less than the cluster's min_size (${cluster.minSize}).`;
    if (maxSize !== null && maxSize >= 0 && desired > maxSize)
      return `The target capacity (${desired}) is greater than the specified max_size (${maxSize}).`;
    if (maxSize === null && cluster && cluster.maxSize >= 0 && desired > cluster.maxSize && strict)
      return `The target capacity (${desired}) is greater than the cluster's max_size (${cluster.maxSize}).`;
  }
  if (minSize !== null) {
    if (maxSize !== null && maxSize >= 0 && minSize > maxSize)
      return `The specified min_size (${minSize}) is greater than the specified max_size (${maxSize}).`;
    if (maxSize === null && cluster && cluster.maxSize >= 0 && minSize > cluster.maxSize)
      return `The specified min_size (${minSize}) is greater than the current max_size (${cluster.maxSize}) of the cluster.`;
    if (desired === null && cluster && minSize > cluster.desiredCapacity && strict)
      return `The specified min_size (${minSize}) is greater than the current desired_capacity (${cluster.desiredCapacity}) of the cluster.`;
  }
  if (maxSize !== null) {
    if (maxSize > cap)
      return `The specified max_size (${maxSize}) is greater than the maximum number of nodes allowed per cluster (${cap}).`;
    if (minSize === null && cluster && maxSize >= 0 && maxSize < cluster.minSize)
      return `The specified max_size (${maxSize}) is less than the current min_size (${cluster.minSize}) of the cluster.`;
    if (desired === null && cluster && maxSize >= 0 && maxSize < cluster.desiredCapacity && strict)
      return `The specified max_size (${maxSize}) is less than the current desired_capacity (${cluster.desiredCapacity}) of the cluster.`;
  }
  return null;
}

export interface ResizeInputs {
  adjustment_type?: AdjustmentType | null;
  number?: number | null;
  min_size?: number | null;
  max_size?: number | null;
  min_step?: number | null;
  strict?: boolean | null;
}

export interface ResizePlan {
  desired: number;
  minSize: number | null;
  maxSize: number | null;
}

/**
 * Works out a resize: the new desired capacity from the current node count, clamped unless strict,
 * then checked. Returns the plan or the reason it cannot be done.
 */
export function planResize(
  cluster: SizeBounds,
  current: number,
  inputs: ResizeInputs,
  maxNodesPerCluster: number,
): ResizePlan | { error: string } {
  const minSize = inputs.min_size ?? null;
  const maxSize = inputs.max_size ?? null;
  const strict = inputs.strict ?? true;
  let desired =
    inputs.adjustment_type != null && inputs.number != null
      ? calculateDesired(current, inputs.adjustment_type, inputs.number, inputs.min_step ?? null)
      : current;
  if (!strict) desired = truncateDesired(cluster, desired, minSize, maxSize);
  const error = checkSizeParams({ cluster, desired, minSize, maxSize, strict, maxNodesPerCluster });
  return error ? { error } : { desired, minSize, maxSize };
}
