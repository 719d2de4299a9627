import type { ActionCause, ActionName, SchemaMap, SupportStatus } from '@grove/core';
import type { PolicyPorts } from './ports';

/** A member of the cluster as a policy sees it: never the database row itself. */
export interface PolicyNode {
  readonly id: string;
  readonly name: string;
  /** Position in the cluster (-1 for an orphan). */
  readonly index: number;
  readonly status: string;
  readonly tainted: boolean;
  /** Grove's scale-in protection: no shrink and no deletion policy may pick this node. */
  readonly protected: boolean;
  /** The cloud resource (server, stack, container); null until created. */
  readonly physicalId: string | null;
  /** Null for a node whose creation never finished. */
  readonly createdAt: Date | null;
  readonly profileId: string;
  /** When the node's profile was created (OLDEST_PROFILE_FIRST). */
  readonly profileCreatedAt: Date | null;
  /** Engine-written facts: `placement {zone, region_name, servergroup}`, `lb_member`, … */
  readonly data: Readonly<Record<string, unknown>>;
}

/** The cluster an action concerns, with its members in index order. */
export interface PolicyCluster {
  readonly id: string;
  readonly name: string;
  readonly project: string;
  readonly userId: string;
  readonly profileId: string;
  /** The cluster profile's registry key, `os.nova.server-1.0`. */
  readonly profileType: string;
  /** The cluster profile's resolved properties (placement skips profiles that pin a zone or region). */
  readonly profileProperties: Readonly<Record<string, unknown>>;
  readonly minSize: number;
  /** -1 = unbounded. */
  readonly maxSize: number;
  readonly desiredCapacity: number;
  readonly data: Readonly<Record<string, unknown>>;
  readonly config: Readonly<Record<string, unknown>>;
  readonly members: readonly PolicyNode[];
}

/** What a policy hook sees of the action it judges. */
export interface PolicyAction {
  readonly id: string;
  readonly name: ActionName;
  readonly cause: ActionCause;
  /** The cluster id, or the node id of a node action. */
  readonly target: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  /**
   * Decisions of the policies that ran before this one (lower priority numbers run first), under
   * Senlin's keys: `creation {count, zones?, regions?}`, `deletion {count, candidates, …}`,
   * `placement {count, placements}`, `update {plan, pause_time}`, `health`, `hooks`. In the AFTER
   * phase, everything the BEFORE phase decided.
   */
  readonly data: Readonly<Record<string, unknown>>;
  /** AFTER only: how the action's own work ended, and its outputs (`nodes_added`, `nodes_removed`, …). */
  readonly outcome?: {
    readonly status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
    readonly outputs: Readonly<Record<string, unknown>>;
  };
}

/** The policy's binding to the cluster. */
export interface PolicyBinding {
  readonly id: string;
  readonly policyId: string;
  readonly policyName: string;
  readonly enabled: boolean;
  readonly priority: number;
  /** What the policy's attach returned (and later effects changed), without Senlin's class envelope. */
  readonly data: Readonly<Record<string, unknown>>;
  /** When a scaling action last ended with this binding (the cooldown's start). */
  readonly lastOp: Date | null;
}

export interface PolicyContext<P> {
  readonly action: PolicyAction;
  readonly cluster: PolicyCluster;
  /** The target node of a node action (NODE_CREATE, NODE_DELETE, NODE_RECOVER); null for cluster actions. */
  readonly node: PolicyNode | null;
  /** The policy's resolved spec properties. */
  readonly props: P;
  readonly binding: PolicyBinding;
  readonly now: Date;
  /**
   * True when the user asked for a preview: decide exactly as for real, but change nothing — no
   * port call that creates, deletes or modifies anything. The decision data is the preview.
   */
  readonly preview: boolean;
  readonly ports: PolicyPorts;
  /** Aborts when the action is cancelled or times out; hand it to every port call. */
  readonly signal: AbortSignal;
  /** Deadline of the action; port waits (an LB becoming ACTIVE) must end by then. */
  readonly deadline: Date;
  readonly limits: { readonly maxNodesPerCluster: number };
  /** Uniform in [0, 1), seeded by the action id: a retried action makes the same RANDOM choices. */
  readonly random: () => number;
}

/**
 * Writes a hook asks for besides its decision data. The runner applies them with the action's
 * data, in one transaction, so a policy never writes the database itself.
 */
export interface PolicyEffects {
  /** Keys merged into the binding's data; a null value removes the key. */
  readonly binding?: Readonly<Record<string, unknown>>;
  /** Starts the binding's cooldown now (`last_op`). */
  readonly stampLastOp?: boolean;
  /** Keys merged into each listed node's data (`lb_member`); a null value removes the key. */
  readonly nodeData?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** New statuses of listed nodes, with the reason users read (a member the LB refused is WARNING). */
  readonly nodeStatus?: Readonly<
    Record<string, { readonly status: 'ACTIVE' | 'WARNING' | 'ERROR'; readonly reason: string }>
  >;
  /** Keys merged into the cluster's data (`loadbalancers`); a null value removes the key. */
  readonly clusterData?: Readonly<Record<string, unknown>>;
  /** The cluster's entry in the health manager's registry (the health policy). */
  readonly health?: HealthRegistryEffect;
}

/** Register (replacing any earlier entry), unregister, or pause / resume the checks of the cluster. */
export type HealthRegistryEffect =
  | {
      readonly register: {
        readonly checkTypes: readonly string[];
        readonly interval: number;
        readonly params: Readonly<Record<string, unknown>>;
        /** False registers the checks paused (a policy attached with enabled=false); default true. */
        readonly enabled?: boolean;
      };
    }
  | { readonly unregister: true }
  | { readonly enabled: boolean };

/**
 * A hook's verdict. `allow` merges `data` into the action's data under Senlin's keys, which
 * `openstack cluster action show` displays; `veto` fails the action with
 * "Policy check failure: Failed policy '<name>': <reason>". Hooks decide; the runner writes
 * (STYLE C12). Effects apply in both cases (a veto may still have to mark a node WARNING).
 */
export type PolicyDecision =
  | { readonly kind: 'allow'; readonly data?: Record<string, unknown>; readonly effects?: PolicyEffects }
  | { readonly kind: 'veto'; readonly reason: string; readonly effects?: PolicyEffects };

export const allow = (data?: Record<string, unknown>, effects?: PolicyEffects): PolicyDecision => ({
  kind: 'allow',
  data,
  effects,
});
export const veto = (reason: string, effects?: PolicyEffects): PolicyDecision => ({ kind: 'veto', reason, effects });

/** What attach and detach see: the cluster as it is, under the cluster lock of the attach action. */
export interface BindingContext<P> {
  readonly cluster: PolicyCluster;
  readonly props: P;
  readonly policy: { readonly id: string; readonly name: string };
  /** Attach: the `enabled` asked for. Detach and enable/disable: the binding as it is. */
  readonly enabled: boolean;
  /** Detach and enable/disable: the binding's data; attach: {}. */
  readonly bindingData: Readonly<Record<string, unknown>>;
  readonly now: Date;
  readonly ports: PolicyPorts;
  readonly signal: AbortSignal;
  readonly deadline: Date;
}

/**
 * The end of attach or detach. `data` (attach) becomes the binding's data; effects go with it
 * (`binding` and `stampLastOp` have no meaning here and are ignored).
 */
export type BindingResult =
  | { readonly kind: 'ok'; readonly data?: Record<string, unknown>; readonly effects?: PolicyEffects }
  | { readonly kind: 'refused'; readonly reason: string };

export const bound = (data?: Record<string, unknown>, effects?: PolicyEffects): BindingResult => ({
  kind: 'ok',
  data,
  effects,
});
export const refused = (reason: string): BindingResult => ({ kind: 'refused', reason });

/** Deployment settings that spec checks depend on (Senlin's configuration options). */
export interface SpecLimits {
  /** Shortest health policy `detection.interval` accepted (Senlin's `health_check_interval_min`). */
  readonly healthCheckIntervalMin: number;
}

/** Senlin's defaults. */
export const DEFAULT_SPEC_LIMITS: SpecLimits = { healthCheckIntervalMin: 60 };

/**
 * A policy type: when it runs (targets, priority), what it accepts (spec schema, profile types)
 * and what it decides. Adding one is a folder in libs/policies/src and one line in registry.ts.
 */
export interface PolicyType<P extends object = Record<string, unknown>> {
  /** `senlin.policy.deletion` */
  readonly name: string;
  /** Every version the type accepts; all take the newest property set, as in Senlin. */
  readonly versions: readonly string[];
  readonly supportStatus: Readonly<Record<string, readonly { status: SupportStatus; since: string }[]>>;
  /** Lower runs first (scaling 100 … health 600). */
  readonly priority: number;
  /**
   * Profile types (registry keys, `os.nova.server-1.0`) a cluster must have for the policy to
   * attach, or every type. The runner refuses the attach with Senlin's
   * "Policy not applicable on profile type: <type>" before calling `attach`.
   */
  readonly profileTypes: 'ANY' | readonly string[];
  /** At most one policy of this type per cluster (all but scaling). */
  readonly singleton: boolean;
  /** Senlin's class name, the key of the binding data envelope (`{"DeletionPolicy": {version, data}}`). */
  readonly className: string;
  readonly targets: { readonly before?: readonly ActionName[]; readonly after?: readonly ActionName[] };
  readonly properties: SchemaMap;
  /** Checks across properties that the schema cannot express; throws SpecError naming the property. */
  checkProperties?(props: P, limits: SpecLimits): void;
  /**
   * Deep validation against the cloud, run on policy create (not on validate, as in Senlin):
   * regions exist, zones exist, subnets exist. Throws SpecError naming the property.
   */
  validate?(props: P, ports: PolicyPorts, signal: AbortSignal): Promise<void>;
  /** Runs under the attach action; without it the policy attaches with empty data. */
  attach?(ctx: BindingContext<P>): Promise<BindingResult>;
  /** Runs under the detach action (and for every binding when the cluster is deleted). */
  detach?(ctx: BindingContext<P>): Promise<BindingResult>;
  /** `policy_update` flipped the binding's `enabled` (the health policy pauses the health manager). */
  enabledChanged?(ctx: BindingContext<P>): Promise<BindingResult>;
  before?(ctx: PolicyContext<P>): PolicyDecision | Promise<PolicyDecision>;
  after?(ctx: PolicyContext<P>): PolicyDecision | Promise<PolicyDecision>;
  /**
   * Preview only: what the AFTER hook would do once the action made its change, since AFTER hooks
   * cannot run before anything exists (`{load_balancer: {members_to_add: 2}}`). Merged into the preview.
   */
  describeAfter?(ctx: PolicyContext<P>, plan: { added: number; removed: readonly string[] }): Record<string, unknown>;
}

export const definePolicyType = <P extends object>(t: PolicyType<P>): PolicyType<P> => t;

/** Registry keys are `name-version`, one per version (`senlin.policy.deletion-1.1`). */
export const policyTypeKeys = (t: Pick<PolicyType, 'name' | 'versions'>): string[] =>
  t.versions.map((v) => `${t.name}-${v}`);

/** Whether a policy type's hook runs in `phase` for the action `name`. */
export const targets = (t: Pick<PolicyType, 'targets'>, phase: 'before' | 'after', name: ActionName): boolean =>
  t.targets[phase]?.includes(name) ?? false;
