import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { HTTPBadRequest, PolicyBindingNotFound, scopeOf } from '@grove/core';
import { ClusterPolicyRepository, ClusterRepository, PolicyRepository, type BindingQuery } from '@grove/db';
import type { GroveRequest } from '../http/grove-request';
import { queryBool } from '../http/list-params';
import { toClusterPolicyView } from './cluster-policies.view';

const last = (v: unknown): string => (Array.isArray(v) ? String(v[v.length - 1]) : String(v));

/** `GET /v1/clusters/{id}/policies[/{policy}]`: the policies a cluster has, with their bindings. */
@Controller('v1/clusters')
export class ClusterPoliciesController {
  constructor(
    private readonly clusters: ClusterRepository,
    private readonly policies: PolicyRepository,
    private readonly bindings: ClusterPolicyRepository,
  ) {}

  /** Filters `enabled`, `policy_name`, `policy_type` (one value each) and `sort` on `enabled`, as Senlin. */
  @Get(':id/policies')
  async list(@Req() req: GroveRequest, @Param('id') id: string, @Query() query: Record<string, unknown>) {
    for (const key of Object.keys(query)) {
      if (!['enabled', 'policy_name', 'policy_type', 'sort'].includes(key))
        throw new HTTPBadRequest(`Invalid parameter ${key}`);
    }
    const q: BindingQuery = {};
    if (query.enabled !== undefined) q.enabled = queryBool('enabled', query.enabled);
    if (query.policy_name !== undefined) q.policyName = [last(query.policy_name)];
    if (query.policy_type !== undefined) q.policyType = [last(query.policy_type)];
    if (query.sort !== undefined && last(query.sort) !== '') q.sort = parseSort(last(query.sort));
    const cluster = await this.clusters.get(scopeOf(req.ctx), id);
    return { cluster_policies: (await this.bindings.forCluster(cluster.id, q)).map(toClusterPolicyView) };
  }

  @Get(':id/policies/:policy')
  async show(@Req() req: GroveRequest, @Param('id') id: string, @Param('policy') policyIdentity: string) {
    const scope = scopeOf(req.ctx);
    const cluster = await this.clusters.get(scope, id);
    const policy = await this.policies.get(scope, policyIdentity);
    const bound = await this.bindings.get(cluster.id, policy.id);
    if (!bound) throw new PolicyBindingNotFound(policyIdentity, id);
    return { cluster_policy: toClusterPolicyView(bound) };
  }
}

function parseSort(raw: string): NonNullable<BindingQuery['sort']> {
  return raw.split(',').map((part) => {
    const [key, dir = ''] = part.split(':');
    if (!key) throw new HTTPBadRequest(`Missing sort key for 'sort'.`);
    if (dir && dir !== 'asc' && dir !== 'desc') throw new HTTPBadRequest(`Unsupported sort dir '${dir}' for 'sort'.`);
    if (key !== 'enabled') throw new HTTPBadRequest(`Unsupported sort key '${key}' for 'sort'.`);
    return { column: 'enabled' as const, dir: (dir || 'asc') as 'asc' | 'desc' };
  });
}
