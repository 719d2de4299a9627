import { SpecError } from '@grove/core';
import { allow, bound, definePolicyType, refused, veto } from '../policy-type';
import { AFFINITY_PROPERTIES, type AffinityProps } from './affinity.properties';
import {
  creationCount,
  drsHypervisor,
  groupPolicy,
  placementData,
  placementZone,
  policyMismatch,
  randomGroupName,
  serverGroupName,
} from './plan-affinity';

/** Lookups of deep validation run under the api's request, which has no action deadline. */
const VALIDATE_WITHIN_MS = 60_000;

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * `senlin.policy.affinity`: boots the cluster's new nodes into one Nova server group (and
 * optionally one zone), so Nova places them together or apart. Attach reuses the group the policy
 * or the profile names when its policy matches, else makes one; detach deletes only a group it
 * made. Before a creation it writes `data.placement {count, placements: [{servergroup, zone?}]}`,
 * which the engine turns into each server's `scheduler_hints.group` and `availability_zone`.
 *
 * The vSphere DRS extension works as in Senlin: the zone becomes `<zone or nova>:<host>` of the
 * first hypervisor whose name matches, found through the compute port.
 */
export const affinityPolicy = definePolicyType<AffinityProps>({
  name: 'senlin.policy.affinity',
  versions: ['1.0'],
  supportStatus: { '1.0': [{ status: 'SUPPORTED', since: '2016.10' }] },
  priority: 300,
  profileTypes: ['os.nova.server-1.0'],
  singleton: true,
  className: 'AffinityPolicy',
  targets: { before: ['CLUSTER_SCALE_OUT', 'CLUSTER_RESIZE', 'NODE_CREATE'] },
  properties: AFFINITY_PROPERTIES,

  async validate(props, ports, signal) {
    const zone = props.availability_zone;
    if (!zone) return;
    const zones = await ports.compute.availabilityZones({
      signal,
      deadline: new Date(Date.now() + VALIDATE_WITHIN_MS),
    });
    if (!zones.includes(zone)) {
      throw new SpecError('availability_zone', `The specified availability_zone '${zone}' could not be found.`);
    }
  },

  async attach(ctx) {
    const o = { signal: ctx.signal, deadline: ctx.deadline };
    const name = serverGroupName(ctx.props, ctx.cluster.profileProperties);
    const policy = groupPolicy(ctx.props);
    if (name) {
      let found;
      try {
        found = await ctx.ports.compute.findServerGroup(name, o);
      } catch {
        return refused(`Failed in retrieving servergroup '${name}'.`);
      }
      if (found) {
        const mismatch = policyMismatch(policy, found.policy);
        return mismatch ? refused(mismatch) : bound({ inherited_group: true, servergroup_id: found.id });
      }
    }
    try {
      const made = await ctx.ports.compute.createServerGroup(name ?? randomGroupName(Math.random), policy, o);
      return bound({ inherited_group: false, servergroup_id: made.id });
    } catch {
      return refused('Failed in creating servergroup.');
    }
  },

  async detach(ctx) {
    const id = ctx.bindingData.servergroup_id;
    if (typeof id !== 'string' || !id || ctx.bindingData.inherited_group === true) return bound();
    try {
      await ctx.ports.compute.deleteServerGroup(id, { signal: ctx.signal, deadline: ctx.deadline });
      return bound();
    } catch {
      return refused('Failed in deleting servergroup.');
    }
  },

  async before(ctx) {
    const count = creationCount(ctx);
    const group = ctx.binding.data.servergroup_id;
    if (count === null || typeof group !== 'string' || !group) return allow();
    let host: string | null = null;
    if (ctx.props.enable_drs_extension) {
      let found;
      try {
        found = drsHypervisor(await ctx.ports.compute.hypervisors({ signal: ctx.signal, deadline: ctx.deadline }));
      } catch (e) {
        return veto(message(e));
      }
      if (!found) return veto('No suitable vSphere host is available.');
      host = found.serviceHost;
    }
    return allow({ placement: placementData(count, group, placementZone(ctx.props, host), ctx.action.data.placement) });
  },
});
