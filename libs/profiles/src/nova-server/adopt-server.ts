import type { Server } from '@grove/drivers';
import { nodeTags, ProfileError, type AdoptCapability, type ProfileContext, type ProfileNode } from '../profile-type';
import type { NovaServerProps } from './nova-server.properties';

/** The metadata keys Grove (like Senlin) writes on its servers; they describe a node, not the server. */
const MEMBERSHIP_KEYS = ['cluster_id', 'cluster_node_id', 'cluster_node_index'];

/** Nova shows `config_drive` as "True" or "" (a string), or as a boolean in some shapes. */
const configDrive = (v: unknown): boolean =>
  v === true || (typeof v === 'string' && v !== '' && v.toLowerCase() !== 'false');

/**
 * The spec properties Senlin builds from a server: flavor and image ids, key, metadata without the
 * membership keys, each network that has a fixed address (by the name Nova lists it under),
 * security groups, zone, disk and config-drive settings. Nova does not show user data,
 * personality files or the admin password, so they stay out, as in Senlin; so does anything Nova
 * shows as null (Grove's schema has no null strings). Senlin's block_device_mapping_v2 is always
 * empty, because Nova's server body has no mapping; Grove keeps that.
 */
export function serverSpec(s: Server): Record<string, unknown> {
  const flavor = s.flavorId ?? (s.raw.flavor as { original_name?: string } | undefined)?.original_name;
  if (!flavor) throw new ProfileError(`Failed in adopting server '${s.id}': Nova does not show its flavor.`);
  // A server booted from a volume has no image; Senlin would read the volume's image from Cinder,
  // which Grove has no driver for, and fails as Senlin does when there is no bootable volume.
  if (!s.imageId) {
    throw new ProfileError(
      `Failed in adopting server '${s.id}': server doesn't have an image and it has no bootable volume.`,
    );
  }
  const spec: Record<string, unknown> = {
    auto_disk_config: s.raw['OS-DCF:diskConfig'] === 'AUTO',
    block_device_mapping_v2: [],
    config_drive: configDrive(s.raw.config_drive),
    flavor,
    image: s.imageId,
    metadata: Object.fromEntries(Object.entries(s.metadata).filter(([k]) => !MEMBERSHIP_KEYS.includes(k))),
    name: s.name,
    networks: Object.entries(s.addresses)
      .filter(([, addrs]) => addrs.some((a) => a.type === 'fixed'))
      .map(([network]) => ({ network })),
    security_groups: [
      ...new Set(((s.raw.security_groups as { name?: unknown }[] | undefined) ?? []).map((g) => String(g.name))),
    ],
  };
  if (s.availabilityZone) spec.availability_zone = s.availabilityZone;
  if (s.keyName) spec.key_name = s.keyName;
  return spec;
}

const notFound = (id: string) => new ProfileError(`404: Instance ${id} could not be found.`);

/** Nova answers a server by id only, so `identity` must be the server's id (as in Senlin). */
async function readServer(ctx: ProfileContext, identity: string) {
  const s = await ctx.cloud.compute.getServer(identity, ctx.signal);
  if (!s) throw notFound(identity);
  return { physicalId: s.id, properties: serverSpec(s), taggedNode: s.metadata.cluster_node_id ?? null };
}

/** `cluster_node_id` as create would have set it; membership keys of an earlier cluster go. */
async function tagServer(ctx: ProfileContext, node: ProfileNode): Promise<void> {
  const id = node.physicalId;
  if (!id) return;
  const compute = ctx.cloud.compute;
  const s = await compute.getServer(id, ctx.signal);
  if (!s) throw notFound(id);
  await compute.setServerMetadata(id, nodeTags(node), ctx.signal);
  for (const key of MEMBERSHIP_KEYS) {
    if (key in s.metadata && !(key in nodeTags(node))) await compute.deleteServerMetadata(id, key, ctx.signal);
  }
}

export const adoptServer: AdoptCapability<NovaServerProps> = {
  read: (ctx, req) => readServer(ctx, req.identity),
  tag: (ctx, node) => tagServer(ctx, node),
};
