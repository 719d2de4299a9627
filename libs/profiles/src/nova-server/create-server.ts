import { CloudUnavailable, quoteBounded, sleep, SpecError } from '@grove/core';
import type { CloudDrivers, Port, ServerCreate, ServerNetwork } from '@grove/drivers';
import {
  nodeTags,
  portTag,
  ProfileError,
  type CreateResult,
  type ProfileContext,
  type ProfileNode,
} from '../profile-type';
import type { NovaNetworkProps, NovaServerProps } from './nova-server.properties';

/** How long one server may take to become ACTIVE or go away (Senlin's default_nova_timeout). */
export const NOVA_TIMEOUT_MS = 600_000;

/** A port or floating IP the profile made for a server, remembered in `node.data.internal_ports`. */
export interface InternalPort {
  id: string;
  /** The `networks` entry the port was made for, so a later update can tell which port to unplug. */
  network?: NovaNetworkProps;
  /** The floating IP made for this port, deleted with it. */
  floating?: { id: string; remove: boolean };
}

/** The longest name or id OpenStack keeps (its name columns are 255 long); a longer one names nothing. */
const NAME_MAX = 255;

/**
 * Resolves a flavor, image or keypair, or says which one is missing in Senlin's words. An empty or
 * over-long identity is missing without asking the cloud: `GET /flavors/` would list them all, and
 * a 100 KB name makes a URL the cloud refuses (which would read as an outage).
 */
async function lookup<T>(what: string, ident: string, find: () => Promise<T | null>): Promise<T> {
  const found = ident && ident.length <= NAME_MAX ? await find() : null;
  if (!found) throw new SpecError(what, `The specified ${what} '${quoteBounded(ident)}' could not be found.`);
  return found;
}

/** Checks that everything a spec names exists in the cloud (profile create and validate). */
export async function validateServerSpec(
  cloud: CloudDrivers,
  props: NovaServerProps,
  signal?: AbortSignal,
): Promise<void> {
  await lookup('flavor', props.flavor, () => cloud.compute.findFlavor(props.flavor, signal));
  if (props.image) await lookup('image', props.image, () => cloud.image.findImage(props.image!, signal));
  if (props.key_name)
    await lookup('key_name', props.key_name, () => cloud.compute.findKeypair(props.key_name!, signal));
  if (
    !props.image &&
    !props.block_device_mapping_v2?.some((b) => Number(b.boot_index) === 0 || b.source_type === 'image')
  ) {
    throw new SpecError('image', "Either 'image' or a bootable 'block_device_mapping_v2' must be given.");
  }
  for (const [i, n] of (props.networks ?? []).entries()) {
    if (!n.network && !n.port) {
      throw new SpecError(`networks[${i}]`, "One of 'network' and 'port' must be provided.");
    }
    if (n.port && (n.fixed_ip || n.security_groups?.length || n.vnic_type)) {
      throw new SpecError(
        `networks[${i}]`,
        "'fixed_ip', 'security_groups' and 'vnic_type' cannot be used with 'port'.",
      );
    }
    if (n.network) await lookup('network', n.network, () => cloud.network.findNetwork(n.network!, signal));
    if (n.port) await lookup('port', n.port, () => cloud.network.getPort(n.port!, signal));
    if (n.floating_network) {
      await lookup('floating_network', n.floating_network, () =>
        cloud.network.findNetwork(n.floating_network!, signal),
      );
    }
  }
}

/** The server name a node gets: the spec's `name`, else the node's name. */
export const serverName = (node: ProfileNode, props: NovaServerProps): string => props.name ?? node.name;

/** Nova wants string metadata; user values are stringified, then the node's tags laid on top. */
export function serverMetadata(node: ProfileNode, props: NovaServerProps): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const [k, v] of Object.entries(props.metadata ?? {})) meta[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return { ...meta, ...nodeTags(node) };
}

/**
 * A network entry needs a port of its own when it asks for something Nova cannot do with a bare
 * network id (security groups, vnic type, a subnet, a floating IP); otherwise Nova makes the port.
 */
export const needsOwnPort = (n: NovaNetworkProps) =>
  !n.port && !!(n.security_groups?.length || n.vnic_type || n.subnet || n.floating_network || n.floating_ip);

/** What Nova is given for each network entry; ports made on the way are pushed to `made`. */
export async function plugNetworks(
  ctx: ProfileContext,
  node: ProfileNode,
  networks: NovaNetworkProps[],
  made: InternalPort[],
): Promise<ServerNetwork[]> {
  const { network } = ctx.cloud;
  const out: ServerNetwork[] = [];
  for (const n of networks) {
    if (n.port) {
      out.push({ port: n.port });
      continue;
    }
    const net = await network.findNetwork(n.network!, ctx.signal);
    if (!net) throw new ProfileError(`The specified network '${n.network}' could not be found.`);
    if (!needsOwnPort(n)) {
      out.push(n.fixed_ip ? { uuid: net.id, fixed_ip: n.fixed_ip } : { uuid: net.id });
      continue;
    }
    const subnet = n.subnet ? await network.findSubnet(n.subnet, ctx.signal) : null;
    if (n.subnet && !subnet) throw new ProfileError(`The specified subnet '${n.subnet}' could not be found.`);
    const groups: string[] = [];
    for (const g of n.security_groups ?? []) {
      const sg = await network.findSecurityGroup(g, ctx.signal);
      if (!sg) throw new ProfileError(`The specified security group '${g}' could not be found.`);
      groups.push(sg.id);
    }
    const fixed =
      n.fixed_ip || subnet
        ? [{ ...(n.fixed_ip && { ip_address: n.fixed_ip }), ...(subnet && { subnet_id: subnet.id }) }]
        : undefined;
    const port = await network.createPort(
      {
        networkId: net.id,
        name: `${node.name}-port`,
        fixedIps: fixed,
        securityGroups: groups,
        vnicType: n.vnic_type,
        tags: [portTag(node.id)],
      },
      ctx.signal,
    );
    made.push({ id: port.id, network: n });
    out.push({ port: port.id });
  }
  return out;
}

/**
 * Attaches the floating IPs that the ports' network entries ask for, once the server is up. A
 * resumed create first looks for the one an earlier attempt attached, so it never makes two.
 */
export async function attachFloatingIps(
  ctx: ProfileContext,
  node: Pick<ProfileNode, 'id'>,
  ports: InternalPort[],
  o: { resumed?: boolean } = {},
): Promise<void> {
  const { network } = ctx.cloud;
  for (const port of ports) {
    const n = port.network;
    if (!n || port.floating || (!n.floating_ip && !n.floating_network)) continue;
    if (n.floating_ip) {
      const fip = await network.findFloatingIp(n.floating_ip, ctx.signal);
      if (!fip) throw new ProfileError(`The specified floating IP '${n.floating_ip}' could not be found.`);
      if (fip.portId !== port.id) await network.updateFloatingIp(fip.id, port.id, ctx.signal);
      port.floating = { id: fip.id, remove: false };
      continue;
    }
    const earlier = o.resumed ? (await network.portFloatingIps(port.id, ctx.signal)).find(ownedBy(node.id)) : undefined;
    if (earlier) {
      port.floating = { id: earlier.id, remove: true };
    } else {
      const net = await network.findNetwork(n.floating_network!, ctx.signal);
      if (!net) throw new ProfileError(`The specified network '${n.floating_network}' could not be found.`);
      const fip = await network.createFloatingIp(
        { networkId: net.id, portId: port.id, description: portTag(node.id) },
        ctx.signal,
      );
      port.floating = { id: fip.id, remove: true };
    }
  }
}

/** A floating IP Grove made for the node (its description carries the node's tag). */
const ownedBy =
  (nodeId: string) =>
  (f: { description: string }): boolean =>
    f.description === portTag(nodeId);

/**
 * Deletes ports and floating IPs the profile made; best effort, returns what could not be deleted.
 * A port whose floating IP was never recorded (its create's result write was lost) is asked for
 * the one Grove made for it.
 */
export async function releasePorts(
  ctx: ProfileContext,
  node: Pick<ProfileNode, 'id'>,
  ports: readonly InternalPort[],
): Promise<string[]> {
  const { network } = ctx.cloud;
  const left: string[] = [];
  for (const p of ports) {
    try {
      let floating = p.floating ? [p.floating] : [];
      if (!p.floating && (!p.network || p.network.floating_network)) {
        const bound = await network.portFloatingIps(p.id, ctx.signal);
        floating = bound.filter(ownedBy(node.id)).map((f) => ({ id: f.id, remove: true }));
      }
      for (const f of floating) {
        if (f.remove) await network.deleteFloatingIp(f.id, ctx.signal);
        else await network.updateFloatingIp(f.id, null, ctx.signal);
      }
      await network.deletePort(p.id, ctx.signal);
    } catch (e) {
      ctx.log.warn({ port: p.id, err: (e as Error).message }, 'could not delete a port made for a server');
      left.push(p.id);
    }
  }
  return left;
}

/**
 * The ports to delete with a server: those known, and those tagged with the node's id that no
 * server uses (a create that crashed, or whose port create's answer was lost, made them). Neutron
 * is asked only when the profile makes ports at all.
 */
export async function portsToRelease(
  ctx: ProfileContext,
  node: ProfileNode,
  props: NovaServerProps,
  known: readonly InternalPort[],
): Promise<InternalPort[]> {
  if (!known.length && !(props.networks ?? []).some(needsOwnPort)) return [];
  const tagged = await ctx.cloud.network.listPorts({ tags: [portTag(node.id)] }, ctx.signal);
  const stray = tagged.filter((p) => !p.deviceId && !known.some((k) => k.id === p.id));
  return [...known, ...stray.map((p) => ({ id: p.id }))];
}

/**
 * The ports an earlier attempt made for the server it booted, found by their tag, each matched
 * to the `networks` entry it serves (by network, in the entries' order).
 */
async function portsOfServer(
  ctx: ProfileContext,
  node: ProfileNode,
  networks: readonly NovaNetworkProps[],
  serverId: string,
): Promise<InternalPort[]> {
  const own = networks.filter(needsOwnPort);
  if (!own.length) return [];
  const tagged = await ctx.cloud.network.listPorts({ tags: [portTag(node.id)] }, ctx.signal);
  const plugged: Port[] = tagged.filter((p) => p.deviceId === serverId);
  const out: InternalPort[] = [];
  for (const n of own) {
    const net = await ctx.cloud.network.findNetwork(n.network!, ctx.signal);
    const at = plugged.findIndex((p) => p.networkId === net?.id);
    if (at < 0) {
      ctx.log.warn({ server: serverId, network: n }, 'the adopted server has no port of its own for a network entry');
      continue;
    }
    out.push({ id: plugged[at].id, network: n });
    plugged.splice(at, 1);
  }
  return out;
}

async function buildRequest(ctx: ProfileContext, node: ProfileNode, props: NovaServerProps, ports: InternalPort[]) {
  const { compute, image } = ctx.cloud;
  const flavor = await compute.findFlavor(props.flavor, ctx.signal);
  if (!flavor) throw new ProfileError(`The specified flavor '${props.flavor}' could not be found.`);
  const req: ServerCreate = {
    name: serverName(node, props),
    flavorRef: flavor.id,
    metadata: serverMetadata(node, props),
    diskConfig: props.auto_disk_config ? 'AUTO' : 'MANUAL',
  };
  if (props.image) {
    const img = await image.findImage(props.image, ctx.signal);
    if (!img) throw new ProfileError(`The specified image '${props.image}' could not be found.`);
    req.imageRef = img.id;
  }
  if (props.key_name) {
    if (!(await compute.findKeypair(props.key_name, ctx.signal))) {
      throw new ProfileError(`The specified key_name '${props.key_name}' could not be found.`);
    }
    req.keyName = props.key_name;
  }
  if (props.block_device_mapping_v2) req.blockDeviceMappingV2 = await resolveBdm(ctx, props.block_device_mapping_v2);
  if (props.user_data !== undefined) req.userData = Buffer.from(props.user_data).toString('base64');
  if (props.security_groups?.length) req.securityGroups = props.security_groups;
  if (props.personality?.length) req.personality = props.personality;
  if (props.config_drive !== undefined) req.configDrive = props.config_drive;
  if (props.admin_pass) req.adminPass = props.admin_pass;
  // A placement policy's choice (node.data.placement) wins over the spec's zone.
  const placement = (node.data.placement ?? {}) as { zone?: string; servergroup?: string };
  const zone = placement.zone ?? props.availability_zone;
  if (zone) req.availabilityZone = zone;
  const hints = {
    ...(props.scheduler_hints ?? {}),
    ...(placement.servergroup ? { group: placement.servergroup } : {}),
  };
  if (Object.keys(hints).length) req.schedulerHints = hints;
  if (props.networks?.length) req.networks = await plugNetworks(ctx, node, props.networks, ports);
  return req;
}

/** Image names in block devices become ids, as Nova only takes ids. */
async function resolveBdm(ctx: ProfileContext, bdms: Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const b of bdms) {
    const d: Record<string, unknown> = Object.fromEntries(
      Object.entries(b).filter(([, v]) => v !== undefined && v !== null),
    );
    if (d.source_type === 'image' && typeof d.uuid === 'string') {
      const img = await ctx.cloud.image.findImage(d.uuid, ctx.signal);
      if (!img) throw new ProfileError(`The specified image '${String(d.uuid)}' could not be found.`);
      d.uuid = img.id;
    }
    out.push(d);
  }
  return out;
}

/**
 * Boots a server for the node and waits until it is ACTIVE. The server's id and its ports are
 * recorded on the node as soon as Nova answers (ProfileContext.recordCreated). When the server
 * cannot be made, what was made for it is deleted again; the ProfileError's physicalId names a
 * server only if that cleanup failed, so the node never points at a server that does not exist.
 * A node that already points at a server (an earlier attempt's, recorded or found by its tags
 * after a crash) takes that server and the ports made for it instead of booting another, as the
 * Heat and Docker profiles do; one whose server is gone gets a new one.
 */
export async function createServer(
  ctx: ProfileContext,
  node: ProfileNode,
  props: NovaServerProps,
): Promise<CreateResult> {
  let ports: InternalPort[] = [];
  const resumed = !!node.physicalId && !!(await ctx.cloud.compute.getServer(node.physicalId, ctx.signal));
  let serverId: string | null = resumed ? node.physicalId : null;
  let asked = false;
  try {
    if (serverId) {
      ports = await portsOfServer(ctx, node, props.networks ?? [], serverId);
    } else {
      const req = await buildRequest(ctx, node, props, ports);
      asked = true;
      serverId = await bootOnce(ctx, node, props, req);
      await ctx.recordCreated?.({ physicalId: serverId, data: { internal_ports: ports } });
    }
    const server = await ctx.cloud.compute.waitForServer(serverId, ['ACTIVE'], ctx.waitOptions(NOVA_TIMEOUT_MS));
    await attachFloatingIps(ctx, node, ports, { resumed });
    const data: Record<string, unknown> = { internal_ports: ports };
    if (server.availabilityZone)
      data.placement = { ...((node.data.placement as object) ?? {}), zone: server.availabilityZone };
    return { physicalId: serverId, data };
  } catch (e) {
    if (ctx.signal.aborted && !serverId && !asked && !ports.length) throw e;
    const reason = `Failed in creating server: ${(e as Error).message}`;
    const left = await cleanUp(ctx, node, props, serverId, asked, ports);
    throw new ProfileError(reason, left);
  }
}

/**
 * How many times a server create is sent when Nova does not answer it. Each unanswered attempt
 * costs at most the request timeout and a pause, and a cloud failing one call in five fails eight
 * in a row once in 400,000.
 */
const BOOT_ATTEMPTS = 8;
const LOOKS = 4;

/**
 * Asks Nova for the server once, even when its answer is lost: after a create that Nova failed
 * to answer (no answer, 429, 5xx), the server may exist all the same, so it is looked for by the
 * node's tags and taken if found; only if it is surely not there is the create sent again, after a
 * pause (the service's Retry-After when it gave one).
 */
async function bootOnce(
  ctx: ProfileContext,
  node: ProfileNode,
  props: NovaServerProps,
  req: ServerCreate,
): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await ctx.cloud.compute.createServer(req, ctx.signal)).id;
    } catch (e) {
      if (!(e instanceof CloudUnavailable) || attempt >= BOOT_ATTEMPTS) throw e;
      await sleep(e.retryAfterMs ?? Math.min(200 * attempt, 3_000), ctx.signal);
      const found = await lookAgain(ctx, node, props, e);
      if (found) return found;
      ctx.log.warn({ node: node.id, err: e.message, attempt }, 'Nova did not answer a server create; asking again');
    }
  }
}

/** The server tagged with the node, if any; a listing Nova fails to answer is asked again, as not knowing is no answer. */
async function lookAgain(
  ctx: ProfileContext,
  node: ProfileNode,
  props: NovaServerProps,
  unanswered: CloudUnavailable,
): Promise<string | undefined> {
  for (let look = 1; ; look++) {
    try {
      return (await findServers(ctx, node, props))[0];
    } catch (e) {
      if (!(e instanceof CloudUnavailable) || look >= LOOKS) throw unanswered;
      await sleep(500 * look, ctx.signal);
    }
  }
}

/**
 * Deletes a server that failed to build and the ports made for it; returns the server id if it
 * stays. When Nova's answer to the create was lost (`asked` without an id), the server may exist
 * all the same: it is looked for by its tags.
 */
async function cleanUp(
  ctx: ProfileContext,
  node: ProfileNode,
  props: NovaServerProps,
  serverId: string | null,
  asked: boolean,
  ports: InternalPort[],
): Promise<string | null> {
  // Clean-up must happen even when the action was cancelled, so it does not use ctx.signal.
  const unaborted = { ...ctx, signal: new AbortController().signal };
  const wait = { ...ctx.waitOptions(NOVA_TIMEOUT_MS), signal: undefined };
  let servers = serverId ? [serverId] : [];
  if (!serverId && asked) {
    servers = await findServers(unaborted, node, props).catch((e: unknown) => {
      ctx.log.warn({ node: node.id, err: (e as Error).message }, 'could not look for a server whose create failed');
      return [];
    });
  }
  let left: string | null = null;
  for (const id of servers) {
    try {
      await ctx.cloud.compute.deleteServer(id);
      await ctx.cloud.compute.waitForServerGone(id, wait);
    } catch (e) {
      ctx.log.warn({ server: id, err: (e as Error).message }, 'could not delete a server that failed to build');
      left ??= id;
    }
  }
  // The ports stay with a server that stays, so that deleting the node later removes both.
  if (!left) {
    const release = await portsToRelease(unaborted, node, props, ports).catch((e: unknown) => {
      ctx.log.warn({ node: node.id, err: (e as Error).message }, 'could not look for ports a failed create made');
      return ports;
    });
    await releasePorts(unaborted, node, release);
  }
  return left;
}

/** Servers tagged with this node's id, whatever their state (crash recovery). */
export async function findServers(ctx: ProfileContext, node: ProfileNode, props: NovaServerProps): Promise<string[]> {
  const servers = await ctx.cloud.compute.listServers({ name: serverName(node, props) }, ctx.signal);
  return servers.filter((s) => s.metadata.cluster_node_id === node.id).map((s) => s.id);
}
