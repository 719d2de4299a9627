import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ActionRepository,
  claimOf,
  ClusterPolicyRepository,
  EventRepository,
  HealthRegistryRepository,
  NodeRepository,
  type ActionEntity,
  type BoundPolicy,
  type ClusterEntity,
  type EventEntity,
  type NodeEntity,
} from '@grove/db';
import {
  PolicyRegistry,
  targets,
  type PolicyBinding,
  type PolicyCluster,
  type PolicyContext,
  type PolicyEffects,
  type PolicyNode,
  type PolicyPorts,
  type PolicyType,
} from '@grove/policies';
import { ENGINE_OPTIONS, type EngineOptions } from '../engine-options';
import { events, nodeObject } from '../events/event-writer';
import { PolicyPortsFactory } from '../ports/policy-ports';
import { Profiles } from '../ports/profiles';
import { seededRandom } from './seeded-random';

export type PolicyPhase = 'before' | 'after';

/** Senlin's action.data keys for the outcome of a policy check (CHECK_OK / CHECK_ERROR). */
export const CHECK_OK = { status: 'OK', reason: 'Completed policy checking.' } as const;

/** How a phase of policy checks ended, and the action's data with every decision merged in. */
export interface PolicyCheck {
  /** Null when every policy allowed the action; else "Failed policy '<name>': <reason>". */
  veto: string | null;
  /** The policy that vetoed, and its own reason. */
  vetoedBy?: { policyId: string; policyName: string; reason: string };
  data: Record<string, unknown>;
  /** Whether any policy ran (when none did, nothing was written). */
  ran: boolean;
  /** Writes the AFTER phase asks for, to apply with the action's end; BEFORE applies its own. */
  effects?: (em: EntityManager) => Promise<EventEntity[]>;
}

export interface PolicySubject {
  action: ActionEntity;
  /** The cluster whose policies run (the target, or the member node's cluster). */
  cluster: ClusterEntity;
  /** The node of a node action. */
  node?: NodeEntity | null;
  /** AFTER only. */
  outcome?: { status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED'; outputs: Record<string, unknown> };
}

export interface PolicyRunOptions {
  signal: AbortSignal;
  deadline: Date;
  /** The cluster's enabled bindings, when the caller read them already (alongside its other reads). */
  bindings?: Promise<BoundPolicy[]>;
  /** Decide only: no port may change anything and nothing is written. */
  preview?: boolean;
}

/** A loaded binding: what the hooks get, and how to write its data back (Senlin's class envelope). */
interface Loaded {
  bound: BoundPolicy;
  type: PolicyType<object>;
  version: string;
  props: Record<string, unknown>;
  binding: PolicyBinding;
}

/** Binding data as Senlin keeps it: `{"<PolicyClass>": {"version": "1.0", "data": {...}}}`. */
export const wrapBindingData = (className: string, version: string, data: Record<string, unknown>) => ({
  [className]: { version, data },
});
export function unwrapBindingData(className: string, stored: Record<string, unknown>): Record<string, unknown> {
  const inner = stored[className] as { data?: unknown } | undefined;
  return inner && typeof inner.data === 'object' && inner.data !== null ? (inner.data as Record<string, unknown>) : {};
}

/**
 * Runs a cluster's enabled policies around an action, in priority order (SL policy_check): each
 * BEFORE hook sees what earlier ones decided, the first veto stops the phase, and every decision
 * lands in `action.data` under Senlin's keys with `status`/`reason` as Senlin leaves them. The
 * policies only decide; this class writes what they ask for (STYLE C12).
 */
@Injectable()
export class PolicyRunner {
  constructor(
    @Inject(ENGINE_OPTIONS) private readonly o: EngineOptions,
    private readonly ds: DataSource,
    private readonly actions: ActionRepository,
    private readonly bindings: ClusterPolicyRepository,
    private readonly nodes: NodeRepository,
    private readonly eventRepo: EventRepository,
    private readonly health: HealthRegistryRepository,
    private readonly profiles: Profiles,
    private readonly registry: PolicyRegistry,
    private readonly ports: PolicyPortsFactory,
  ) {}

  /**
   * One phase of checks. BEFORE writes the merged data and its effects at once (the handler reads
   * them, and a veto must still record what the policies found); AFTER hands its writes back, to
   * go with the action's end in one transaction. A preview writes nothing.
   */
  async check(
    phase: PolicyPhase,
    s: PolicySubject,
    o: PolicyRunOptions & {
      /** Runs only when some policy will look, just before; returns the node as it is now (see ActionRunner). */
      beforeLooking?: () => Promise<NodeEntity | null>;
    },
  ): Promise<PolicyCheck> {
    const all = await (o.bindings ?? this.enabled(s.cluster.id));
    const loaded = all.map((b) => this.load(b)).filter((l) => targets(l.type, phase, s.action.action));
    const data: Record<string, unknown> = { ...s.action.data };
    if (!loaded.length) return { veto: null, data: { ...data, ...CHECK_OK }, ran: false };
    if (o.beforeLooking) s = { ...s, node: await o.beforeLooking() };

    const cluster = await this.policyCluster(s.cluster);
    const node = s.node ? (cluster.members.find((m) => m.id === s.node!.id) ?? (await this.policyNode(s.node))) : null;
    const ports = this.ports.for(await this.profiles.load(s.cluster.profileId), o.preview ?? false, s.cluster);
    // Seeded by what the choice is about, not by the action's id: a retried action, and a preview
    // of it on the same members, make the same RANDOM choices.
    const random = seededRandom(
      `${s.cluster.id}:${s.action.action}:${phase}:${cluster.members.map((m) => m.id).join(',')}`,
    );
    const effects: { loaded: Loaded; effects: PolicyEffects }[] = [];
    let veto: string | null = null;
    let vetoedBy: PolicyCheck['vetoedBy'];
    for (const l of loaded) {
      const ctx = this.context(l, s, { cluster, node, ports, random, data, preview: o.preview ?? false }, o);
      const hook = phase === 'before' ? l.type.before : l.type.after;
      const decision = await hook!.call(l.type, ctx);
      if (decision.effects) effects.push({ loaded: l, effects: decision.effects });
      if (decision.kind === 'veto') {
        veto = `Failed policy '${l.bound.policy.name}': ${decision.reason}`;
        vetoedBy = { policyId: l.bound.policy.id, policyName: l.bound.policy.name, reason: decision.reason };
        break;
      }
      Object.assign(data, decision.data ?? {});
    }
    Object.assign(data, veto ? { status: 'ERROR', reason: veto } : CHECK_OK);
    if (o.preview) return { veto, vetoedBy, data, ran: true };

    const write = (em: EntityManager) => this.applyAll(s.action, effects, em);
    if (phase === 'after') return { veto, vetoedBy, data, ran: true, effects: write };
    await this.ds.transaction(async (em) => {
      await this.actions.assertHeld(claimOf(s.action), em);
      await em.query(`UPDATE action SET data = $2::jsonb, updated_at = now() WHERE id = $1`, [
        s.action.id,
        JSON.stringify(data),
      ]);
      const written = await write(em);
      if (written.length) await this.eventRepo.insert(written, em);
    });
    return { veto, vetoedBy, data, ran: true };
  }

  /** The policies enabled on a cluster, in priority order. */
  enabled(clusterId: string): Promise<BoundPolicy[]> {
    return this.bindings.forCluster(clusterId, { enabled: true });
  }

  /**
   * Preview only: what the AFTER policies would do once the action made its change (`plan`),
   * as each describes it (PolicyType.describeAfter), merged.
   */
  async describeAfter(
    s: PolicySubject,
    plan: { added: number; removed: readonly string[] },
    o: PolicyRunOptions,
  ): Promise<Record<string, unknown>> {
    const all = await this.bindings.forCluster(s.cluster.id, { enabled: true });
    const loaded = all.map((b) => this.load(b)).filter((l) => targets(l.type, 'after', s.action.action));
    const described = loaded.filter((l) => l.type.describeAfter);
    if (!described.length) return {};
    const cluster = await this.policyCluster(s.cluster);
    const ports = this.ports.for(await this.profiles.load(s.cluster.profileId), true, s.cluster);
    const out: Record<string, unknown> = {};
    for (const l of described) {
      const ctx = this.context(
        l,
        { ...s, outcome: undefined },
        { cluster, node: null, ports, random: () => 0.5, data: s.action.data, preview: true },
        o,
      );
      Object.assign(out, l.type.describeAfter!(ctx, plan));
    }
    return out;
  }

  /** What one hook sees. `data` is the action's data with the decisions of the policies before it. */
  private context(
    l: Loaded,
    s: PolicySubject,
    c: {
      cluster: PolicyCluster;
      node: PolicyNode | null;
      ports: PolicyPorts;
      random: () => number;
      data: Record<string, unknown>;
      preview: boolean;
    },
    o: PolicyRunOptions,
  ): PolicyContext<object> {
    return {
      action: {
        id: s.action.id,
        name: s.action.action,
        cause: s.action.cause,
        target: s.action.target,
        inputs: s.action.inputs,
        data: { ...c.data },
        outcome: s.outcome,
      },
      cluster: c.cluster,
      node: c.node,
      props: l.props,
      binding: l.binding,
      now: new Date(),
      preview: c.preview,
      ports: c.ports,
      signal: o.signal,
      deadline: o.deadline,
      limits: { maxNodesPerCluster: this.o.config.MAX_NODES_PER_CLUSTER },
      random: c.random,
    };
  }

  /** A policy spec's type and properties; specs never change, so this cannot fail for a stored policy. */
  private load(bound: BoundPolicy): Loaded {
    const { type, properties, version } = this.registry.validate(bound.policy.spec);
    return {
      bound,
      type,
      version,
      props: properties,
      binding: {
        id: bound.binding.id,
        policyId: bound.policy.id,
        policyName: bound.policy.name,
        enabled: bound.binding.enabled,
        priority: bound.binding.priority,
        data: unwrapBindingData(type.className, bound.binding.data),
        lastOp: bound.binding.lastOp,
      },
    };
  }

  /** The cluster as policies see it, members in index order. */
  async policyCluster(c: ClusterEntity, em?: EntityManager): Promise<PolicyCluster> {
    const [profile, members] = await Promise.all([this.profiles.load(c.profileId), this.nodes.members(c.id, em)]);
    return {
      id: c.id,
      name: c.name,
      project: c.project,
      userId: c.userId,
      profileId: c.profileId,
      profileType: profile.entity.type,
      profileProperties: profile.properties,
      minSize: c.minSize,
      maxSize: c.maxSize,
      desiredCapacity: c.desiredCapacity,
      data: c.data,
      config: c.config,
      members: await Promise.all(members.map((m) => this.policyNode(m))),
    };
  }

  async policyNode(n: NodeEntity): Promise<PolicyNode> {
    const profile = await this.profiles.load(n.profileId).catch(() => null);
    return {
      id: n.id,
      name: n.name,
      index: n.index,
      status: n.status,
      tainted: n.tainted,
      protected: n.protected,
      physicalId: n.physicalId,
      createdAt: n.createdAt,
      profileId: n.profileId,
      profileCreatedAt: profile?.entity.createdAt ?? null,
      data: n.data,
    };
  }

  private async applyAll(
    action: ActionEntity,
    list: { loaded: Loaded; effects: PolicyEffects }[],
    em: EntityManager,
  ): Promise<EventEntity[]> {
    const written: EventEntity[] = [];
    for (const { loaded, effects } of list) {
      if (effects.binding) {
        const data = mergeKeys(loaded.binding.data, effects.binding);
        await this.bindings.setData(
          loaded.bound.binding.id,
          wrapBindingData(loaded.type.className, loaded.version, data),
          em,
        );
      }
      if (effects.stampLastOp) await this.bindings.stampLastOp([loaded.bound.binding.id], em);
      written.push(...(await this.applyTargetEffects(action, loaded.bound.binding.clusterId, effects, em)));
    }
    return written;
  }

  /**
   * The writes to nodes, the cluster and the health registry that a hook, attach or detach asked
   * for. Returns the events to record (a node whose status changed).
   */
  async applyTargetEffects(
    action: ActionEntity,
    clusterId: string,
    effects: PolicyEffects,
    em: EntityManager,
  ): Promise<EventEntity[]> {
    const written: EventEntity[] = [];
    for (const [nodeId, patch] of Object.entries(effects.nodeData ?? {})) {
      await mergeJson(em, 'node', nodeId, patch);
    }
    for (const [nodeId, st] of Object.entries(effects.nodeStatus ?? {})) {
      const n = await this.nodes.getById(nodeId, em);
      if (!n) continue;
      await this.nodes.setStatus(nodeId, st.status, st.reason, em);
      written.push(events.status(action, nodeObject(n), st.status, st.reason));
    }
    if (effects.clusterData) await mergeJson(em, 'cluster', clusterId, effects.clusterData);
    const h = effects.health;
    if (h && 'register' in h) {
      await this.health.register(
        {
          clusterId,
          policyId: action.inputs.policy_id as string,
          checkTypes: [...h.register.checkTypes],
          interval: h.register.interval,
          params: { ...h.register.params },
          enabled: h.register.enabled ?? true,
        },
        em,
      );
    } else if (h && 'unregister' in h) {
      await this.health.unregister(clusterId, em);
    } else if (h && 'enabled' in h) {
      await this.health.setEnabled(clusterId, h.enabled, em);
    }
    return written;
  }
}

/** `base` with `patch`'s keys set, and those whose value is null removed. */
export function mergeKeys(base: Readonly<Record<string, unknown>>, patch: Readonly<Record<string, unknown>>) {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** Merges top-level keys into a row's `data` in one statement; null values remove keys. */
async function mergeJson(
  em: EntityManager,
  table: 'node' | 'cluster',
  id: string,
  patch: Readonly<Record<string, unknown>>,
): Promise<void> {
  const removed = Object.keys(patch).filter((k) => patch[k] === null);
  const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== null));
  await em.query(`UPDATE "${table}" SET data = (data - $2::text[]) || $3::jsonb, updated_at = now() WHERE id = $1`, [
    id,
    removed,
    JSON.stringify(set),
  ]);
}
