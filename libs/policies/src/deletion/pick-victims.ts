import type { PolicyNode } from '../policy-type';

/** How a deletion policy orders healthy victims (Senlin's `criteria`). */
export const DELETION_CRITERIA = ['OLDEST_FIRST', 'OLDEST_PROFILE_FIRST', 'YOUNGEST_FIRST', 'RANDOM'] as const;
export type DeletionCriteria = (typeof DELETION_CRITERIA)[number];

/** What victim selection reads of a node. */
export type VictimCandidate = Pick<PolicyNode, 'id' | 'status' | 'tainted' | 'createdAt'> &
  Partial<Pick<PolicyNode, 'protected' | 'profileCreatedAt'>>;

const BAD_STATUSES = ['ERROR', 'WARNING'];

/** 0: broken or tainted, 1: never created, 2: healthy. */
const badness = (n: VictimCandidate): number =>
  BAD_STATUSES.includes(n.status) || n.tainted ? 0 : n.createdAt === null ? 1 : 2;

const byId = (a: VictimCandidate, b: VictimCandidate) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const time = (d: Date | null | undefined, missing: number) => d?.getTime() ?? missing;

/** Fisher–Yates over a copy, drawing from `random` (seeded per action, so a retry draws the same). */
function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * The `count` members a shrink removes. Broken and tainted nodes go first, then nodes that were
 * never created (SL filter_error_nodes): removing a healthy node while a broken one stays would
 * cost capacity twice. The rest follow `criteria`; without a deletion policy Grove removes the
 * youngest first, since the oldest have proven themselves. Protected nodes are never picked. Ties
 * break by id, and RANDOM draws from `random`, so a retried action picks the same victims.
 */
export function pickVictims(
  nodes: readonly VictimCandidate[],
  count: number,
  criteria: DeletionCriteria = 'YOUNGEST_FIRST',
  random: () => number = Math.random,
): string[] {
  const eligible = nodes.filter((n) => !n.protected);
  const age = (n: VictimCandidate) => time(n.createdAt, Number.POSITIVE_INFINITY);
  const order: Record<Exclude<DeletionCriteria, 'RANDOM'>, (a: VictimCandidate, b: VictimCandidate) => number> = {
    YOUNGEST_FIRST: (a, b) => age(b) - age(a),
    OLDEST_FIRST: (a, b) => age(a) - age(b),
    OLDEST_PROFILE_FIRST: (a, b) =>
      time(a.profileCreatedAt, Number.POSITIVE_INFINITY) - time(b.profileCreatedAt, Number.POSITIVE_INFINITY),
  };
  const sorted = [...eligible].sort((a, b) => badness(a) - badness(b) || byId(a, b));
  const groups = [0, 1, 2].map((g) => sorted.filter((n) => badness(n) === g));
  const ordered = groups.flatMap((g) =>
    criteria === 'RANDOM' ? shuffled(g, random) : [...g].sort((a, b) => order[criteria](a, b) || byId(a, b)),
  );
  return ordered.slice(0, Math.max(0, count)).map((n) => n.id);
}
