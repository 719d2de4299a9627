/**
 * Grove's `max_unhealthy` as a count of nodes for a cluster of `members`: `"3"` is 3, `"20%"` of
 * 10 members is 2 (rounded down, as cluster-api's MachineHealthCheck does); null when malformed.
 */
export function maxUnhealthyOf(value: string, members: number): number | null {
  const m = /^(\d{1,9})(%?)$/.exec(value.trim());
  if (!m) return null;
  const n = Number(m[1]);
  if (!m[2]) return n;
  return n > 100 ? null : Math.floor((n * members) / 100);
}
