import { SpecError, type ActionName } from '@grove/core';
import type {
  PolicyAction,
  PolicyBinding,
  PolicyCluster,
  PolicyContext,
  PolicyDecision,
  PolicyNode,
} from './policy-type';
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

type PortStubs = { readonly [K in keyof PolicyPorts]?: Partial<PolicyPorts[K]> };

/** Ports that answer only the calls a test gives (read-only listings); every other call throws. */
export const portsWith = (stubs: PortStubs): PolicyPorts =>
  new Proxy({} as PolicyPorts, {
    get: (_t, port) =>
      new Proxy(
        {},
        {
          get: (_u, method) => {
            const stub = (stubs as Record<string, Record<string, unknown> | undefined>)[String(port)]?.[String(method)];
            if (stub) return stub;
            return () => {
              throw new Error(`unit test called ports.${String(port)}.${String(method)}`);
            };
          },
        },
      ),
  });

export const noPorts: PolicyPorts = portsWith({});

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

/** A rendered schema without its descriptions (Grove words them itself), to compare with Senlin's. */
export function withoutDescriptions(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutDescriptions);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([k]) => k !== 'description')
      .map(([k, x]) => [k, withoutDescriptions(x)]),
  );
}

/** The SpecError a spec check throws, as `{path, reason}`; null when it throws none. */
export function specError(fn: () => unknown): { path: string; reason: string } | null {
  try {
    fn();
    return null;
  } catch (e) {
    if (e instanceof SpecError) return { path: e.path, reason: e.reason };
    throw e;
  }
}

/** The data of an `allow`; fails the test on a veto. */
export function allowed(d: PolicyDecision): Record<string, unknown> {
  if (d.kind !== 'allow') throw new Error(`expected allow, got veto: ${d.reason}`);
  return d.data ?? {};
}
