import type { CheckResult, DeleteOptions, ProfileContext, ProfileNode } from '../profile-type';
import { NOVA_TIMEOUT_MS, portsToRelease, releasePorts, type InternalPort } from './create-server';
import type { NovaServerProps } from './nova-server.properties';

const portsOf = (node: ProfileNode): InternalPort[] => (node.data.internal_ports as InternalPort[] | undefined) ?? [];

/**
 * Deletes the node's server, waits until Nova has let it go, then deletes the ports made for it:
 * those the node recorded, and those tagged with its id that no server uses any more (a create
 * whose record was never written made them).
 */
export async function deleteServer(
  ctx: ProfileContext,
  node: ProfileNode,
  props: NovaServerProps,
  o: DeleteOptions = {},
): Promise<void> {
  if (node.physicalId) {
    await ctx.cloud.compute.deleteServer(node.physicalId, { force: o.force }, ctx.signal);
    await ctx.cloud.compute.waitForServerGone(node.physicalId, ctx.waitOptions(NOVA_TIMEOUT_MS));
  }
  const left = await releasePorts(ctx, node, await portsToRelease(ctx, node, props, portsOf(node)));
  if (left.length) throw new Error(`Failed in deleting ports ${left.join(', ')} of server ${node.physicalId}`);
}

/** ACTIVE is healthy; anything else is not, and a server Nova no longer knows is gone. */
export async function checkServer(ctx: ProfileContext, node: ProfileNode): Promise<CheckResult> {
  if (!node.physicalId) return { state: 'gone', reason: 'The node has no server.' };
  const s = await ctx.cloud.compute.getServer(node.physicalId, ctx.signal);
  if (!s) return { state: 'gone', reason: `Server ${node.physicalId} could not be found.` };
  if (s.status === 'ACTIVE') return { state: 'healthy' };
  return { state: 'unhealthy', reason: `Server status is ${s.status}${s.fault ? `: ${s.fault}` : ''}.` };
}

const DETAIL_KEYS = [
  'OS-DCF:diskConfig',
  'OS-EXT-AZ:availability_zone',
  'OS-EXT-STS:power_state',
  'OS-EXT-STS:vm_state',
  'OS-EXT-STS:task_state',
  'OS-SRV-USG:launched_at',
  'OS-SRV-USG:terminated_at',
  'accessIPv4',
  'accessIPv6',
  'addresses',
  'config_drive',
  'created',
  'hostId',
  'id',
  'key_name',
  'locked',
  'metadata',
  'name',
  'progress',
  'security_groups',
  'status',
  'updated',
];

/** The server as `show_details` shows it: Nova's fields plus flavor and image ids. */
export async function serverDetails(ctx: ProfileContext, node: ProfileNode): Promise<Record<string, unknown>> {
  if (!node.physicalId) return {};
  const s = await ctx.cloud.compute.getServer(node.physicalId, ctx.signal);
  if (!s) return {};
  const details: Record<string, unknown> = { flavor: s.flavorId, image: s.imageId ?? '' };
  for (const k of DETAIL_KEYS) if (k in s.raw) details[k] = s.raw[k];
  return details;
}

export async function tagServer(
  ctx: ProfileContext,
  node: ProfileNode,
  clusterId: string,
  index: number,
): Promise<void> {
  if (!node.physicalId) return;
  await ctx.cloud.compute.setServerMetadata(
    node.physicalId,
    { cluster_id: clusterId, cluster_node_index: String(index) },
    ctx.signal,
  );
}

export async function untagServer(ctx: ProfileContext, node: ProfileNode): Promise<void> {
  if (!node.physicalId) return;
  for (const key of ['cluster_id', 'cluster_node_index']) {
    await ctx.cloud.compute.deleteServerMetadata(node.physicalId, key, ctx.signal);
  }
}
