import {
  allow,
  bound,
  definePolicyType,
  refused,
  veto,
  type BindingContext,
  type PolicyContext,
  type PolicyNode,
} from '../policy-type';
import type { LbResources, LoadBalancerPort, PortOptions } from '../ports';
import { checkLoadBalancingProps, validateLoadBalancingProps } from './lb-spec-rules';
import {
  additionVerdict,
  attachMembers,
  bindingDataOf,
  clusterLoadBalancers,
  lbMember,
  lbResourcesOf,
  planGrow,
  planShrink,
  removalVerdict,
  type MemberResult,
  type Removal,
} from './lb-members';
import { LOAD_BALANCING_PROPERTIES, type LbPoolProps, type LoadBalancingProps } from './load-balancing.properties';

/** Lookups of deep validation run under the api's request, which has no action deadline. */
const VALIDATE_WITHIN_MS = 60_000;

type Waits = PortOptions & { timeoutS: number };
type Ctx = Pick<PolicyContext<LoadBalancingProps>, 'signal' | 'deadline' | 'props'>;

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const waits = (c: Ctx): Waits => ({ signal: c.signal, deadline: c.deadline, timeoutS: c.props.lb_status_timeout });
// checkProperties refuses a spec without a pool.
const poolOf = (props: LoadBalancingProps): LbPoolProps => props.pool!;

/** Adds each node in turn: Octavia takes one change at a time per load balancer. */
async function addMembers(
  lb: LoadBalancerPort,
  res: Pick<LbResources, 'loadbalancer' | 'pool'>,
  nodes: readonly PolicyNode[],
  pool: LbPoolProps,
  o: Waits,
): Promise<MemberResult[]> {
  const out: MemberResult[] = [];
  for (const node of nodes) {
    try {
      const member = await lb.addMember(res, node, { protocolPort: pool.protocol_port, subnet: pool.subnet }, o);
      out.push({ node, member, ok: true });
    } catch (e) {
      out.push({ node, member: '', ok: false, error: message(e) });
    }
  }
  return out;
}

async function removeMembers(
  lb: LoadBalancerPort,
  res: Pick<LbResources, 'loadbalancer' | 'pool'>,
  removals: readonly Removal[],
  o: Waits,
): Promise<MemberResult[]> {
  const out: MemberResult[] = [];
  for (const { node, member } of removals) {
    try {
      await lb.removeMember(res, member, o);
      out.push({ node, member, ok: true });
    } catch (e) {
      out.push({ node, member, ok: false, error: message(e) });
    }
  }
  return out;
}

/** The resources to attach to: the adopted load balancer (1.1 `loadbalancer`), else new ones. */
async function resourcesFor(ctx: BindingContext<LoadBalancingProps>): Promise<LbResources> {
  const { props, cluster } = ctx;
  if (props.loadbalancer) {
    return {
      loadbalancer: props.loadbalancer,
      listener: null,
      pool: poolOf(props).id!,
      healthmonitor: props.health_monitor?.id ?? null,
      vip_address: props.vip?.address ?? null,
      preexisting: true,
    };
  }
  return ctx.ports.loadBalancer.create(
    {
      name: cluster.name,
      clusterId: cluster.id,
      policyId: ctx.policy.id,
      vip: props.vip!,
      pool: poolOf(props),
      healthMonitor: props.health_monitor ?? null,
      availabilityZone: props.availability_zone ?? null,
      flavorId: props.flavor_id ?? null,
    },
    waits(ctx),
  );
}

/**
 * `senlin.policy.loadbalance`: keeps an Octavia pool in step with the cluster's members. Attach
 * makes (or adopts) the load balancer and adds every member; members leave the pool before a
 * shrink deletes them and join it after a grow created them. Each node's member id lives in its
 * `data.lb_member`, the VIP in the cluster's `data.loadbalancers[policy id]`.
 *
 * Action data (Grove's key `load_balancer`, which `openstack cluster action show` displays):
 * BEFORE `{members_removed: {node: member}}`, in a preview `{members_to_remove: {node: member}}`;
 * AFTER adds `{members_added: {node: member}}` (and `members_removed` for recreated nodes).
 */
export const loadBalancingPolicy = definePolicyType<LoadBalancingProps>({
  name: 'senlin.policy.loadbalance',
  versions: ['1.0', '1.1', '1.2', '1.3'],
  supportStatus: {
    '1.0': [{ status: 'SUPPORTED', since: '2016.04' }],
    '1.1': [{ status: 'SUPPORTED', since: '2018.01' }],
    '1.2': [{ status: 'SUPPORTED', since: '2020.02' }],
    '1.3': [{ status: 'SUPPORTED', since: '2020.03' }],
  },
  priority: 500,
  profileTypes: ['os.nova.server-1.0'],
  singleton: true,
  className: 'LoadBalancingPolicy',
  targets: {
    after: [
      'CLUSTER_ADD_NODES',
      'CLUSTER_SCALE_OUT',
      'CLUSTER_RESIZE',
      'NODE_RECOVER',
      'NODE_CREATE',
      'CLUSTER_REPLACE_NODES',
    ],
    before: ['CLUSTER_DEL_NODES', 'CLUSTER_SCALE_IN', 'CLUSTER_RESIZE', 'NODE_DELETE', 'CLUSTER_REPLACE_NODES'],
  },
  properties: LOAD_BALANCING_PROPERTIES,
  checkProperties: checkLoadBalancingProps,
  validate: (props, ports, signal) =>
    validateLoadBalancingProps(props, ports, { signal, deadline: new Date(Date.now() + VALIDATE_WITHIN_MS) }),

  async attach(ctx) {
    const o = waits(ctx);
    let res: LbResources;
    try {
      res = await resourcesFor(ctx);
    } catch (e) {
      return refused(message(e));
    }
    const pool = poolOf(ctx.props);
    const results = await addMembers(ctx.ports.loadBalancer, res, attachMembers(ctx.cluster.members), pool, o);
    if (results.some((r) => !r.ok)) {
      // Undo what this attach did, best effort: the binding will not exist to remember it.
      if (!res.preexisting) await ctx.ports.loadBalancer.delete(res, o).catch(() => undefined);
      else
        await removeMembers(
          ctx.ports.loadBalancer,
          res,
          results.filter((r) => r.ok),
          o,
        );
      return refused('Failed in adding node into lb pool');
    }
    return bound(bindingDataOf(res), {
      nodeData: Object.fromEntries(results.map((r) => [r.node.id, { lb_member: r.member }])),
      clusterData: {
        loadbalancers: clusterLoadBalancers(ctx.cluster.data, ctx.policy.id, { vip_address: res.vip_address }),
      },
    });
  },

  async detach(ctx) {
    const res = lbResourcesOf(ctx.bindingData);
    if (!res) return bound();
    const o = waits(ctx);
    const registered = ctx.cluster.members.flatMap((node) => {
      const member = lbMember(node);
      return member ? [{ node, member }] : [];
    });
    if (!res.preexisting) {
      try {
        await ctx.ports.loadBalancer.delete(res, o);
      } catch (e) {
        return refused(message(e));
      }
    } else {
      const results = await removeMembers(ctx.ports.loadBalancer, res, registered, o);
      if (results.some((r) => !r.ok)) return refused('Failed to remove servers from existed LB.');
    }
    return bound(undefined, {
      nodeData: Object.fromEntries(registered.map((r) => [r.node.id, { lb_member: null }])),
      clusterData: { loadbalancers: clusterLoadBalancers(ctx.cluster.data, ctx.policy.id, undefined) },
    });
  },

  async before(ctx) {
    const plan = planShrink(ctx);
    const data = plan.deletion ? { deletion: plan.deletion } : undefined;
    const res = lbResourcesOf(ctx.binding.data);
    if (!plan.removals.length || !res) return allow(data);
    if (ctx.preview) {
      const earlier = ctx.action.data.load_balancer as Record<string, unknown> | undefined;
      const toRemove = Object.fromEntries(plan.removals.map((r) => [r.node.id, r.member]));
      return allow({ ...data, load_balancer: { ...earlier, members_to_remove: toRemove } });
    }
    const results = await removeMembers(ctx.ports.loadBalancer, res, plan.removals, waits(ctx));
    const verdict = removalVerdict(results, ctx.action.data.load_balancer);
    return verdict.failure
      ? veto(verdict.failure, verdict.effects)
      : allow({ ...data, load_balancer: verdict.record }, verdict.effects);
  },

  async after(ctx) {
    const plan = planGrow(ctx);
    const res = lbResourcesOf(ctx.binding.data);
    if (!res || (!plan.additions.length && !plan.clearRecovery.length)) return allow();
    const o = waits(ctx);
    // The old member pointed at a server that no longer exists: its removal may fail harmlessly.
    await removeMembers(ctx.ports.loadBalancer, res, plan.stale, o);
    const results = await addMembers(ctx.ports.loadBalancer, res, plan.additions, poolOf(ctx.props), o);
    const verdict = additionVerdict(results, plan, ctx.action.data.load_balancer);
    return verdict.failure
      ? veto(verdict.failure, verdict.effects)
      : allow({ load_balancer: verdict.record }, verdict.effects);
  },

  describeAfter(ctx, plan) {
    const earlier = (ctx.action.data.load_balancer ?? {}) as Record<string, unknown>;
    const toRemove = Object.fromEntries(
      ctx.cluster.members.filter((m) => plan.removed.includes(m.id) && lbMember(m)).map((m) => [m.id, lbMember(m)]),
    );
    return {
      load_balancer: { members_to_remove: toRemove, ...earlier, members_to_add: plan.added },
    };
  },
});
