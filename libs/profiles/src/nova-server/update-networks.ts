import { isDeepStrictEqual } from 'node:util';
import { pollUntil, type ServerInterface } from '@grove/drivers';
import { ProfileError, type ProfileContext, type ProfileNode } from '../profile-type';
import {
  attachFloatingIps,
  needsOwnPort,
  NOVA_TIMEOUT_MS,
  plugNetworks,
  releasePorts,
  type InternalPort,
} from './create-server';
import type { NovaNetworkProps } from './nova-server.properties';

/** What a change of `networks` does to a running server. */
export interface NetworkPlan {
  /** Entries in both lists: their ports stay as they are. */
  keep: NovaNetworkProps[];
  /** Entries that differ only in their security groups: the port stays and gets the new groups. */
  regroup: { from: NovaNetworkProps; to: NovaNetworkProps }[];
  /** Entries that are gone: their ports are unplugged (and deleted if the profile made them). */
  remove: NovaNetworkProps[];
  /** New entries: ports are made (when needed) and plugged in. */
  add: NovaNetworkProps[];
}

const PORT_IDENTITY: (keyof NovaNetworkProps)[] = [
  'network',
  'port',
  'fixed_ip',
  'subnet',
  'vnic_type',
  'floating_network',
  'floating_ip',
];

const sameButGroups = (a: NovaNetworkProps, b: NovaNetworkProps) =>
  PORT_IDENTITY.every((k) => isDeepStrictEqual(a[k], b[k]));

/**
 * Compares two `networks` lists as Senlin does: an entry in both stays untouched, an entry that
 * changed only its security groups keeps its port, every other old entry is unplugged and every
 * other new entry plugged in. Entries are matched as a multiset: two equal entries are two ports.
 */
export function planNetworks(cur: readonly NovaNetworkProps[], next: readonly NovaNetworkProps[]): NetworkPlan {
  const remove = [...cur];
  const keep: NovaNetworkProps[] = [];
  const add: NovaNetworkProps[] = [];
  for (const n of next) {
    const i = remove.findIndex((c) => isDeepStrictEqual(c, n));
    if (i >= 0) keep.push(...remove.splice(i, 1));
    else add.push(n);
  }
  const regroup: NetworkPlan['regroup'] = [];
  for (const to of [...add]) {
    const i = remove.findIndex((c) => sameButGroups(c, to));
    if (i < 0) continue;
    regroup.push({ from: remove[i], to });
    remove.splice(i, 1);
    add.splice(add.indexOf(to), 1);
  }
  return { keep, regroup, remove, add };
}

/**
 * Entries that name their port most precisely come first when ports are matched to entries, so
 * that a bare `{network}` entry never takes the port a `{network, fixed_ip}` entry stands for.
 */
const precision = (n: NovaNetworkProps) => (n.port ? 0 : n.fixed_ip ? 1 : needsOwnPort(n) ? 2 : 3);
const byPrecision = <T>(items: readonly T[], entry: (t: T) => NovaNetworkProps): T[] =>
  [...items].sort((a, b) => precision(entry(a)) - precision(entry(b)));

/**
 * The port a `networks` entry was given on this server: the entry's own port, the port the
 * profile made for it, or else a plugged port on its network (with its fixed IP) that no other
 * entry has claimed. Null when none is plugged in any more.
 */
async function portOf(
  ctx: ProfileContext,
  entry: NovaNetworkProps,
  plugged: readonly ServerInterface[],
  internal: readonly InternalPort[],
  claimed: Set<string>,
): Promise<string | null> {
  if (entry.port) {
    const id = (await ctx.cloud.network.getPort(entry.port, ctx.signal))?.id ?? entry.port;
    return plugged.some((i) => i.portId === id) && !claimed.has(id) ? id : null;
  }
  const made = internal.find((p) => p.network && isDeepStrictEqual(p.network, entry) && !claimed.has(p.id));
  if (made) return made.id;
  const net = entry.network ? await ctx.cloud.network.findNetwork(entry.network, ctx.signal) : null;
  if (!net) return null;
  // Ports made for some other entry are not candidates; ports from before Grove recorded the
  // entry are, preferring the kind (made by the profile or by Nova) this entry would have made.
  const ownedElsewhere = new Set(internal.filter((p) => p.network).map((p) => p.id));
  const legacy = new Set(internal.filter((p) => !p.network).map((p) => p.id));
  const candidates = plugged.filter(
    (i) =>
      i.netId === net.id &&
      !claimed.has(i.portId) &&
      !ownedElsewhere.has(i.portId) &&
      (!entry.fixed_ip || i.fixedIps.some((f) => f.ipAddress === entry.fixed_ip)),
  );
  const preferred = candidates.find((i) => legacy.has(i.portId) === needsOwnPort(entry)) ?? candidates[0];
  return preferred?.portId ?? null;
}

async function unplug(ctx: ProfileContext, serverId: string, portId: string): Promise<void> {
  const { compute } = ctx.cloud;
  await compute.detachInterface(serverId, portId, ctx.signal);
  await pollUntil(
    `port ${portId} to leave server ${serverId}`,
    async () =>
      (await compute.listInterfaces(serverId, ctx.signal)).some((i) => i.portId === portId) ? undefined : true,
    ctx.waitOptions(NOVA_TIMEOUT_MS),
  );
}

async function groupIds(ctx: ProfileContext, names: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const g of names) {
    const sg = await ctx.cloud.network.findSecurityGroup(g, ctx.signal);
    if (!sg) throw new ProfileError(`The specified security group '${g}' could not be found.`);
    ids.push(sg.id);
  }
  return ids;
}

/**
 * Brings the server's ports in line with a new `networks` list through Nova's interface
 * attach/detach, in Senlin's order: new security groups first, then unplug, then plug. Senlin
 * stops the server before unplugging; Nova unplugs from a running server, so Grove does not make
 * the workload restart for it. Returns the node's new `internal_ports`.
 */
export async function updateNetworks(
  ctx: ProfileContext,
  node: ProfileNode,
  serverId: string,
  cur: readonly NovaNetworkProps[],
  next: readonly NovaNetworkProps[],
): Promise<InternalPort[]> {
  const { compute, network } = ctx.cloud;
  const plan = planNetworks(cur, next);
  let internal = [...((node.data.internal_ports as InternalPort[] | undefined) ?? [])];
  const plugged = await compute.listInterfaces(serverId, ctx.signal);
  const claimed = new Set<string>();
  // Ports of the entries that stay are spoken for before any entry's port is unplugged.
  for (const entry of byPrecision(plan.keep, (e) => e)) {
    const portId = await portOf(ctx, entry, plugged, internal, claimed);
    if (portId) claimed.add(portId);
  }

  for (const { from, to } of byPrecision(plan.regroup, (r) => r.from)) {
    const portId = await portOf(ctx, from, plugged, internal, claimed);
    if (!portId)
      throw new ProfileError(`No port of server ${serverId} matches the network entry ${JSON.stringify(from)}.`);
    claimed.add(portId);
    await network.setPortSecurityGroups(portId, await groupIds(ctx, to.security_groups ?? []), ctx.signal);
    internal = internal.map((p) => (p.id === portId ? { ...p, network: to } : p));
  }

  for (const entry of byPrecision(plan.remove, (e) => e)) {
    const portId = await portOf(ctx, entry, plugged, internal, claimed);
    if (!portId) {
      ctx.log.warn({ server: serverId, network: entry }, 'no port is plugged in for a removed network entry');
      continue;
    }
    claimed.add(portId);
    if (plugged.some((i) => i.portId === portId)) await unplug(ctx, serverId, portId);
    const made = internal.filter((p) => p.id === portId);
    if (made.length && (await releasePorts(ctx, node, made)).length) {
      throw new ProfileError(`Failed in deleting port ${portId} unplugged from server ${serverId}.`);
    }
    internal = internal.filter((p) => p.id !== portId);
  }

  if (plan.add.length) {
    const made: InternalPort[] = [];
    const attached: string[] = [];
    try {
      for (const n of await plugNetworks(ctx, node, plan.add, made)) {
        const req = 'port' in n ? { portId: n.port } : { netId: n.uuid, fixedIp: n.fixed_ip };
        attached.push((await compute.attachInterface(serverId, req, ctx.signal)).portId);
      }
      await attachFloatingIps(ctx, node, made);
    } catch (e) {
      // Undo this step only: what was unplugged above stays unplugged, as the new spec wants.
      const undo = { ...ctx, signal: new AbortController().signal };
      for (const portId of attached) {
        await compute.detachInterface(serverId, portId).catch(() => undefined);
      }
      await releasePorts(undo, node, made);
      throw e;
    }
    internal = [...internal, ...made];
  }
  return internal;
}
