import { freshProject } from '@grove/testing';
import { actionOf, type Grove, type HttpAnswer } from '../../src/testing/grove-harness';

/**
 * What the engine flow tests share: views as the api shows them, a project with a profile and an
 * ACTIVE cluster, and the check that the cloud holds exactly the servers of the cluster's nodes.
 */
export interface NodeView {
  id: string;
  name: string;
  index: number;
  status: string;
  status_reason: string;
  physical_id: string | null;
  cluster_id: string;
  profile_id: string;
}
export interface ClusterView {
  id: string;
  name: string;
  profile_id: string;
  status: string;
  status_reason: string;
  desired_capacity: number;
  min_size: number;
  max_size: number;
  nodes: string[];
}

export function clusterWorld(h: Grove) {
  const SPEC = {
    type: 'os.nova.server',
    version: '1.0',
    properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk', networks: [{ network: 'private' }] },
  };

  /** Runs the request's action to its end; returns the action as the api shows it. */
  async function ended(project: string, a: HttpAnswer<unknown>): Promise<Record<string, unknown>> {
    expect(a.status).toBe(202);
    return h.waitForAction(actionOf(a), { project, timeoutMs: 60_000 });
  }

  async function succeeded(project: string, a: HttpAnswer<unknown>): Promise<Record<string, unknown>> {
    const action = await ended(project, a);
    expect({ status: action.status, reason: action.status_reason }).toEqual({
      status: 'SUCCEEDED',
      reason: expect.any(String),
    });
    return action;
  }

  /** A project with a profile and an ACTIVE cluster of `desired` nodes. */
  async function world(o: { desired: number; min?: number; max?: number }) {
    const project = freshProject();
    await h.http('POST', '/v1/profiles', { project, body: { profile: { name: 'web', spec: SPEC } } });
    const created = await h.http<{ cluster: { id: string } }>('POST', '/v1/clusters', {
      project,
      body: {
        cluster: {
          name: 'web',
          profile_id: 'web',
          desired_capacity: o.desired,
          min_size: o.min ?? 0,
          max_size: o.max ?? -1,
        },
      },
    });
    await succeeded(project, created);
    return { project, clusterId: created.body.cluster.id };
  }

  const clusterOf = async (project: string, id: string) =>
    (await h.http<{ cluster: ClusterView }>('GET', `/v1/clusters/${id}`, { project })).body.cluster;
  const membersOf = async (project: string, id: string) =>
    (await h.http<{ nodes: NodeView[] }>('GET', `/v1/nodes?cluster_id=${id}`, { project })).body.nodes;

  /** The servers the simulator holds for a cluster (its admin listing, by the cluster tag). */
  const serversOf = async (clusterId: string) =>
    h.sim.admin.resources({ type: 'servers', metadata: { cluster_id: clusterId } }).servers ?? [];

  /** Every member ACTIVE with a server, and the cloud holding exactly those servers. */
  async function expectCloudMatches(project: string, clusterId: string, n: number): Promise<NodeView[]> {
    const nodes = await membersOf(project, clusterId);
    expect(nodes).toHaveLength(n);
    expect(nodes.every((x) => x.status === 'ACTIVE' && x.physical_id)).toBe(true);
    expect((await serversOf(clusterId)).map((s) => s.id).sort()).toEqual(nodes.map((x) => x.physical_id).sort());
    return nodes;
  }

  const act = (project: string, id: string, body: unknown) =>
    h.http('POST', `/v1/clusters/${id}/actions`, { project, body });

  return { SPEC, ended, succeeded, world, clusterOf, membersOf, serversOf, expectCloudMatches, act };
}

/** Polls `probe` until it returns a value (not undefined); fails after `timeoutMs` naming `what`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
