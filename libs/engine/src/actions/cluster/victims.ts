/** What victim selection reads of a node. */
export interface VictimCandidate {
  id: string;
  status: string;
  tainted: boolean;
  /** Null for a node whose creation never finished. */
  createdAt: Date | null;
}

const BAD_STATUSES = ['ERROR', 'WARNING'];

/** 0: broken or tainted, 1: never created, 2: healthy. */
const badness = (n: VictimCandidate): number =>
  BAD_STATUSES.includes(n.status) || n.tainted ? 0 : n.createdAt === null ? 1 : 2;

/**
 * The `count` members a shrink removes when no policy chose them. Broken and tainted nodes go
 * first, then nodes that were never created (SL filter_error_nodes): removing a healthy node while
 * a broken one stays would cost capacity twice. Among the rest the youngest go first, since the
 * oldest have proven themselves. Ties break by id, so a retried action picks the same victims.
 */
export function pickVictims(nodes: readonly VictimCandidate[], count: number): string[] {
  const age = (n: VictimCandidate) => n.createdAt?.getTime() ?? Number.POSITIVE_INFINITY;
  return [...nodes]
    .sort((a, b) => badness(a) - badness(b) || age(b) - age(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, Math.max(0, count))
    .map((n) => n.id);
}
