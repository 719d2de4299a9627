import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { ContainerDriver, Server } from '@grove/drivers';
import { ProfileError, type HostNode, type ProfileContext, type ProfileNode } from '../profile-type';
import type { DockerContainerProps } from './docker-container.properties';

/** The profile types whose nodes can run Docker (Senlin's `_VALID_HOST_TYPES`). */
export const HOST_TYPES = ['os.nova.server', 'os.heat.stack'] as const;

/** `os.nova.server` from the key `os.nova.server-1.0`. */
export const typeName = (key: string): string => key.replace(/-[^-]*$/, '');

/**
 * The member of a host cluster that runs a node's container. Senlin picks one at random; Grove
 * picks by a hash of the node id over the members sorted by id. That spreads containers over the
 * hosts as a random pick does, but the same node gets the same host for as long as the members
 * stay the same, so a create retried after a crash goes back to where the first attempt went and
 * tests are repeatable.
 */
export function pickMember<T extends Pick<HostNode, 'id'>>(members: readonly T[], nodeId: string): T | null {
  if (!members.length) return null;
  const sorted = [...members].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const n = createHash('sha256').update(nodeId).digest().readUInt32BE(0);
  return sorted[n % sorted.length];
}

/** The server's fixed IPv4 address on the network named `private`, where Senlin looks for the Docker daemon. */
export function privateFixedIp(server: Pick<Server, 'addresses'>): string | null {
  const found = (server.addresses.private ?? []).find((a) => a.version === 4 && a.type === 'fixed');
  return found?.addr ?? null;
}

/**
 * The Docker Engine API of a host address. The address comes from the cloud or, for a stack host,
 * from the tenant's own template (its `fixed_ip` output), so it must be an IP literal a host can
 * have: no name to resolve, no link-local metadata address (169.254.0.0/16, fe80::/10), no
 * unspecified or multicast address; and the port a TCP port.
 */
export function dockerEndpoint(ip: string, port: number): string {
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new ProfileError(`The Docker port ${String(port)} is not a TCP port (1 to 65535).`);
  const version = isIP(ip);
  const shown = JSON.stringify(ip.slice(0, 60));
  if (!version) throw new ProfileError(`The host address ${shown} is not an IP address.`);
  const first = version === 4 ? Number(ip.split('.')[0]) : NaN;
  const unusable =
    version === 4
      ? ip.startsWith('169.254.') || first === 0 || first >= 224
      : /^fe[89ab]/i.test(ip) || /^ff/i.test(ip) || /^::0*$/.test(ip) || /^::ffff:169\.254\./i.test(ip);
  if (unusable) throw new ProfileError(`The host address ${shown} is not one a Docker host can have.`);
  return version === 6 ? `http://[${ip}]:${port}` : `http://${ip}:${port}`;
}

/** The host the spec names: the node itself, or the chosen ACTIVE member of the cluster. */
export async function resolveHost(
  ctx: ProfileContext,
  node: ProfileNode,
  props: DockerContainerProps,
): Promise<HostNode> {
  if (props.host_node) {
    const host = await ctx.nodes.findNode(node.project, props.host_node);
    if (!host) throw new ProfileError(`The host node '${props.host_node}' could not be found.`);
    return host;
  }
  const members = await ctx.nodes.clusterMembers(node.project, props.host_cluster!);
  if (!members) throw new ProfileError(`The host cluster '${props.host_cluster}' could not be found.`);
  const host = pickMember(
    members.filter((m) => m.status === 'ACTIVE' && m.physicalId),
    node.id,
  );
  if (!host) throw new ProfileError(`The cluster (${props.host_cluster}) contains no active nodes`);
  return host;
}

/** The address of a host's Docker daemon: its server's private fixed IP, or its stack's `fixed_ip` output. */
export async function hostIp(ctx: ProfileContext, host: HostNode): Promise<string> {
  const type = typeName(host.profileType);
  if (!(HOST_TYPES as readonly string[]).includes(type)) {
    throw new ProfileError(`Type of host node (${type}) is not supported`);
  }
  if (!host.physicalId)
    throw new ProfileError(`The host node '${host.name}' has no ${type === 'os.heat.stack' ? 'stack' : 'server'}.`);
  if (type === 'os.nova.server') {
    const server = await ctx.cloud.compute.getServer(host.physicalId, ctx.signal);
    if (!server)
      throw new ProfileError(`The server ${host.physicalId} of host node '${host.name}' could not be found.`);
    const ip = privateFixedIp(server);
    if (!ip) throw new ProfileError('Unable to determine the IP address of host node');
    return ip;
  }
  const stack = await ctx.cloud.orchestration.getStack(host.physicalId, ctx.signal);
  if (!stack) throw new ProfileError(`The stack ${host.physicalId} of host node '${host.name}' could not be found.`);
  const ip = stack.outputs.fixed_ip;
  if (typeof ip !== 'string' || !ip)
    throw new ProfileError("Output 'fixed_ip' is missing from the provided stack node");
  // The output is the tenant's to write: only an address of the stack's own servers and ports
  // may be called, never whatever internal address a template names.
  if (!(await stackAddresses(ctx, host.physicalId)).has(ip)) {
    throw new ProfileError(
      `Output 'fixed_ip' (${JSON.stringify(ip.slice(0, 60))}) of host node '${host.name}' is not an address of the stack's own servers or ports`,
    );
  }
  return ip;
}

/** The fixed addresses of the servers and ports a stack (with its nested stacks) made. */
async function stackAddresses(ctx: ProfileContext, stackId: string): Promise<Set<string>> {
  const out = new Set<string>();
  for (const r of (await ctx.cloud.orchestration.listStackResources(stackId, ctx.signal)) ?? []) {
    if (!r.physicalId) continue;
    if (r.type === 'OS::Nova::Server') {
      const s = await ctx.cloud.compute.getServer(r.physicalId, ctx.signal);
      for (const list of Object.values(s?.addresses ?? {})) for (const a of list) out.add(a.addr);
    } else if (r.type === 'OS::Neutron::Port') {
      const p = await ctx.cloud.network.getPort(r.physicalId, ctx.signal);
      for (const f of p?.fixedIps ?? []) out.add(f.ipAddress);
    }
  }
  return out;
}

/** Where the node's container was started, as create recorded it in the node's data. */
export interface ContainerHost {
  host_node: string;
  host_ip: string;
}

export const recordedHost = (node: ProfileNode): ContainerHost | null => {
  const { host_node, host_ip } = node.data as Partial<ContainerHost>;
  return typeof host_node === 'string' && typeof host_ip === 'string' ? { host_node, host_ip } : null;
};

/** Every host the spec allows, with its Docker driver; hosts whose address cannot be found are skipped. */
export async function candidateHosts(
  ctx: ProfileContext,
  node: Pick<ProfileNode, 'project'>,
  props: Pick<DockerContainerProps, 'host_node' | 'host_cluster' | 'port'>,
): Promise<{ host: ContainerHost; docker: ContainerDriver }[]> {
  let hosts: HostNode[];
  if (props.host_node) {
    const host = await ctx.nodes.findNode(node.project, props.host_node);
    hosts = host ? [host] : [];
  } else {
    hosts = (await ctx.nodes.clusterMembers(node.project, props.host_cluster!)) ?? [];
  }
  const out: { host: ContainerHost; docker: ContainerDriver }[] = [];
  for (const h of hosts) {
    try {
      const ip = await hostIp(ctx, h);
      out.push({ host: { host_node: h.id, host_ip: ip }, docker: ctx.cloud.docker(dockerEndpoint(ip, props.port)) });
    } catch (e) {
      if (!(e instanceof ProfileError)) throw e;
      ctx.log.warn({ host: h.id, err: e.message }, 'skipping a host whose Docker address is unknown');
    }
  }
  return out;
}

/**
 * The Docker daemon that has the node's container: the one create recorded, or, for a node
 * whose create never finished (no data), whichever allowed host knows the container id.
 * Null when no host has it.
 */
export async function locateContainer(
  ctx: ProfileContext,
  node: ProfileNode,
  props: DockerContainerProps,
  containerId: string,
): Promise<{ host: ContainerHost; docker: ContainerDriver } | null> {
  const recorded = recordedHost(node);
  if (recorded) return { host: recorded, docker: ctx.cloud.docker(dockerEndpoint(recorded.host_ip, props.port)) };
  for (const c of await candidateHosts(ctx, node, props)) {
    if (await c.docker.inspect(containerId, ctx.signal)) return c;
  }
  return null;
}
