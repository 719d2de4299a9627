import { Client } from 'pg';
import { serversOf } from './cloud';

export interface Consistency {
  /** Actions not in a final status. */
  unfinished: { id: string; action: string; status: string }[];
  /** Nodes in a busy status (CREATING, DELETING, …) that no unfinished action works on. */
  stuck: { id: string; status: string }[];
  /** Servers of the cluster that no node names as its physical id. */
  orphans: string[];
  /** Nodes whose physical id names no server (ACTIVE or not), or ACTIVE without one. */
  ghosts: string[];
  /** Nodes that more than one server says it belongs to. */
  duplicates: string[];
  servers: number;
  nodes: number;
}

/**
 * What the faults suite asserts after each fault: every action ended, no node busy without an
 * action, and cloud and database agree (no orphan server, no ghost node, no node with two servers).
 */
export async function consistency(dbUrl: string, simUrl: string, clusterId: string): Promise<Consistency> {
  const db = new Client({ connectionString: dbUrl });
  await db.connect();
  try {
    const { rows: unfinished } = await db.query(
      `SELECT id, action, status FROM action WHERE status NOT IN ('SUCCEEDED', 'FAILED', 'CANCELLED')`,
    );
    const { rows: stuck } = await db.query(
      `SELECT n.id, n.status FROM node n
       WHERE n.status IN ('INIT', 'CREATING', 'DELETING', 'UPDATING', 'RECOVERING', 'OPERATING', 'CHECKING')
         AND NOT EXISTS (SELECT 1 FROM action a WHERE a.target = n.id
                           AND a.status NOT IN ('SUCCEEDED', 'FAILED', 'CANCELLED'))`,
    );
    const { rows: nodes } = await db.query<{ id: string; physical_id: string | null; status: string }>(
      'SELECT id, physical_id, status FROM node WHERE cluster_id = $1',
      [clusterId],
    );
    const servers = await serversOf(simUrl, clusterId);
    const inCloud = new Set(servers.map((s) => s.id));
    const named = new Set(nodes.map((n) => n.physical_id).filter((p): p is string => p !== null));
    const perNode = new Map<string, number>();
    for (const s of servers) {
      const node = s.metadata.cluster_node_id;
      if (node) perNode.set(node, (perNode.get(node) ?? 0) + 1);
    }
    return {
      unfinished,
      stuck,
      orphans: [...inCloud].filter((s) => !named.has(s)),
      ghosts: nodes
        .filter(
          (n) => (n.physical_id !== null && !inCloud.has(n.physical_id)) || (n.status === 'ACTIVE' && !n.physical_id),
        )
        .map((n) => n.id),
      duplicates: [...perNode].filter(([, n]) => n > 1).map(([id]) => id),
      servers: servers.length,
      nodes: nodes.length,
    };
  } finally {
    await db.end();
  }
}
