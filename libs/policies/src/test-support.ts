import { SpecError, type ActionName } from '@grove/core';
import type { PolicyAction, PolicyBinding, PolicyCluster, PolicyContext, PolicyNode } from './policy-type';
import type { PolicyPorts } from './ports';

/**
 * Builders for the unit tests of policy decisions (imported by *.test.ts files only). Ports
 * refuse every call: a decision under test must not reach the cloud; hooks that call ports are
 * tested against the simulator through the engine.
 */

let seq = 0;

/** A member with healthy defaults; override what the test is about. */
export function member(o: Partial<PolicyNode> = {}): PolicyNode {
  seq += 1;
  const id = o.id ?? `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`;
  return {
    id,
    name: `node-${seq}`,
    index: seq,
    status: 'ACTIVE',
    tainted: false,
    protected: false,
    physicalId: `server-${seq}`,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)),
    profileId: 'profile-1',
    profileCreatedAt: new Date(Date.UTC(2025, 0, 1)),
    data: {},
    ...o,
  };
}

export function cluster(o: Partial<PolicyCluster> = {}): PolicyCluster {
  return {
    id: 'cluster-1',
    name: 'web',
    project: 'project-1',
    userId: 'user-1',
    profileId: 'profile-1',
    profileType: 'os.nova.server-1.0',
    profileProperties: {},
    minSize: 0,
    maxSize: -1,
    desiredCapacity: o.members?.length ?? 0,
    data: {},
    config: {},
    members: [],
    ...o,
  };
}

export const noPorts: PolicyPorts = new Proxy({} as PolicyPorts, {
  get: (_t, port) =>
    new Proxy(
      {},
      {
        get: (_u, method) => () => {
          throw new Error(`unit test called ports.${String(port)}.${String(method)}`);
        },
      },
    ),
});

/** A context for one hook call: `action` names the action; everything else has defaults. */
export function contextFor<P>(
  props: P,
  o: {
    action: ActionName;
    inputs?: Record<string, unknown>;
    data?: Record<string, unknown>;
    outcome?: PolicyAction['outcome'];
    cluster?: PolicyCluster;
    node?: PolicyNode | null;
    binding?: Partial<PolicyBinding>;
    now?: Date;
    preview?: boolean;
    ports?: PolicyPorts;
    random?: () => number;
  },
): PolicyContext<P> {
  const c = o.cluster ?? cluster();
  return {
    action: {
      id: 'action-1',
      name: o.action,
      cause: 'RPC Request',
      target: o.node?.id ?? c.id,
      inputs: o.inputs ?? {},
      data: o.data ?? {},
      outcome: o.outcome,
    },
    cluster: c,
    node: o.node ?? null,
    props,
    binding: {
      id: 'binding-1',
      policyId: 'policy-1',
      policyName: 'p',
      enabled: true,
      priority: 100,
      data: {},
      lastOp: null,
      ...o.binding,
    },
    now: o.now ?? new Date(Date.UTC(2026, 5, 1)),
    preview: o.preview ?? false,
    ports: o.ports ?? noPorts,
    signal: new AbortController().signal,
    deadline: new Date(Date.now() + 60_000),
    limits: { maxNodesPerCluster: 1000 },
    random: o.random ?? (() => 0.5),
  };
}

/** The path and message of the SpecError `fn` throws, or null (jest's toThrow compares messages only). */
export function thrownSpecError(fn: () => unknown): { path: string; reason: string } | null {
  try {
    fn();
    return null;
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    return { path: e.path, reason: e.reason };
  }
}

/** A rendered schema without its descriptions (which are Grove's own words), to compare with Senlin's. */
export function schemaShape(rendered: Record<string, unknown>): Record<string, unknown> {
  const strip = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => k !== 'description')
        .map(([k, x]) => [k, k === 'default' || k === 'constraints' ? x : strip(x)]),
    );
  };
  return strip(rendered) as Record<string, unknown>;
}
