import type { ActionName, SchemaMap, SupportStatus } from '@grove/core';

/** What a policy hook sees of the action it judges. */
export interface PolicyAction {
  readonly name: ActionName;
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Decisions of policies that ran before this one (lower priority numbers run first). */
  readonly data: Readonly<Record<string, unknown>>;
}

/** What a policy hook sees of the cluster and its members. */
export interface PolicyCluster {
  readonly id: string;
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredCapacity: number;
  readonly members: readonly {
    id: string;
    status: string;
    tainted: boolean;
    createdAt: Date | null;
    profileCreatedAt: Date | null;
    index: number;
  }[];
}

export interface PolicyContext<P> {
  readonly action: PolicyAction;
  readonly cluster: PolicyCluster;
  /** The policy's resolved spec properties. */
  readonly props: P;
  /** What `attach` returned, kept with the binding. */
  readonly binding: Readonly<Record<string, unknown>>;
  readonly now: Date;
}

/**
 * A hook's verdict. `allow` merges `data` into the action's data under Senlin's keys (`creation`,
 * `deletion`, `placement`, …), which `openstack cluster action show` displays; `veto` fails the
 * action with "Failed policy '<name>': <reason>". Hooks decide; they never mutate the action (STYLE C12).
 */
export type PolicyDecision = { kind: 'allow'; data?: Record<string, unknown> } | { kind: 'veto'; reason: string };

export const allow = (data?: Record<string, unknown>): PolicyDecision => ({ kind: 'allow', data });
export const veto = (reason: string): PolicyDecision => ({ kind: 'veto', reason });

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
  /** Profile types a cluster must have for the policy to attach, or every type. */
  readonly profileTypes: 'ANY' | readonly string[];
  /** At most one policy of this type per cluster (all but scaling). */
  readonly singleton: boolean;
  readonly targets: { readonly before?: readonly ActionName[]; readonly after?: readonly ActionName[] };
  readonly properties: SchemaMap;
  checkProperties?(props: P): void;
  before?(ctx: PolicyContext<P>): PolicyDecision | Promise<PolicyDecision>;
  after?(ctx: PolicyContext<P>): PolicyDecision | Promise<PolicyDecision>;
}

export const definePolicyType = <P extends object>(t: PolicyType<P>): PolicyType<P> => t;

/** Registry keys are `name-version`, one per version (`senlin.policy.deletion-1.1`). */
export const policyTypeKeys = (t: Pick<PolicyType, 'name' | 'versions'>): string[] =>
  t.versions.map((v) => `${t.name}-${v}`);
