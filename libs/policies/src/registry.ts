import { ResourceNotFound, resolveSpec, S, specTypeKey } from '@grove/core';
import { affinityPolicy } from './affinity/affinity.policy';
import { batchPolicy } from './batch/batch.policy';
import { deletionPolicy } from './deletion/deletion.policy';
import { healthPolicy } from './health/health.policy';
import { loadBalancingPolicy } from './load-balancing/load-balancing.policy';
import { DEFAULT_SPEC_LIMITS, policyTypeKeys, type PolicyType, type SpecLimits } from './policy-type';
import { regionPlacementPolicy } from './region-placement/region-placement.policy';
import { scalingPolicy } from './scaling/scaling.policy';
import { zonePlacementPolicy } from './zone-placement/zone-placement.policy';

/** Every policy type Grove knows: one line each. */
export const POLICY_TYPES: readonly PolicyType<object>[] = [
  scalingPolicy,
  deletionPolicy,
  regionPlacementPolicy,
  zonePlacementPolicy,
  loadBalancingPolicy,
  healthPolicy,
  affinityPolicy,
  batchPolicy,
];

const ENVELOPE = {
  type: S.string('Policy type name.', { required: true }),
  version: S.string('Policy type version.', { required: true }),
  description: S.string('What the policy is for.'),
  properties: S.map('Properties of the policy.', undefined, { required: true }),
};

export interface ValidatedPolicySpec {
  type: PolicyType<object>;
  key: string;
  version: string;
  properties: Record<string, unknown>;
}

export class PolicyRegistry {
  private readonly byKey = new Map<string, PolicyType<object>>();

  /** Refuses to start with two types under one key. `limits` come from the deployment's configuration. */
  constructor(
    types: readonly PolicyType<object>[] = POLICY_TYPES,
    private readonly limits: SpecLimits = DEFAULT_SPEC_LIMITS,
  ) {
    for (const t of types) {
      for (const key of policyTypeKeys(t)) {
        if (this.byKey.has(key)) throw new Error(`Two policy types are registered as '${key}'`);
        this.byKey.set(key, t);
      }
    }
  }

  /** One entry per `name-version`, as the policy-type list shows them. */
  keys(): string[] {
    return [...this.byKey.keys()];
  }

  /** Every type once. */
  types(): PolicyType<object>[] {
    return [...new Set(this.byKey.values())];
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  get(key: string): PolicyType<object> {
    const t = this.byKey.get(key);
    if (!t) throw new ResourceNotFound('policy_type', key);
    return t;
  }

  /** Checks a policy spec: envelope and type first, then the properties (SpecError, or 404 for an unknown type). */
  validate(spec: unknown): ValidatedPolicySpec {
    const { key, version } = specTypeKey(spec);
    const type = this.get(key);
    const envelope = resolveSpec(ENVELOPE, spec);
    const properties = resolveSpec(type.properties, envelope.properties);
    type.checkProperties?.(properties, this.limits);
    return { type, key, version, properties };
  }
}
