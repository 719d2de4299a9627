import { ProfileError, type ProfileContext, type ProfileNode } from '../profile-type';
import { NOVA_TIMEOUT_MS, serverMetadata } from './create-server';
import type { NovaServerProps } from './nova-server.properties';
import { rebuild } from './server-operations';
import { updateNetworks } from './update-networks';

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Changes a running server to match a new profile: name, admin password and metadata in place,
 * a new flavor by resize (confirmed), networks by plugging and unplugging ports, a new image by
 * rebuild. Returns the node's new `internal_ports` when the networks changed.
 */
export async function updateServer(
  ctx: ProfileContext,
  node: ProfileNode,
  cur: NovaServerProps,
  next: NovaServerProps,
): Promise<{ data?: Record<string, unknown> }> {
  const id = node.physicalId;
  if (!id) throw new ProfileError('Failed in updating server: the node has no server.');
  const { compute, image } = ctx.cloud;
  const wait = ctx.waitOptions(NOVA_TIMEOUT_MS);

  const name = next.name ?? node.name;
  if (name !== (cur.name ?? node.name)) await compute.renameServer(id, name, ctx.signal);
  if (next.admin_pass && next.admin_pass !== cur.admin_pass) {
    await compute.serverAction(id, 'changePassword', { adminPass: next.admin_pass }, ctx.signal);
  }
  if (!same(cur.metadata, next.metadata)) {
    const wanted = serverMetadata(node, next);
    for (const key of Object.keys(serverMetadata(node, cur))) {
      if (!(key in wanted)) await compute.deleteServerMetadata(id, key, ctx.signal);
    }
    await compute.setServerMetadata(id, wanted, ctx.signal);
  }
  if (next.flavor !== cur.flavor) {
    const flavor = await compute.findFlavor(next.flavor, ctx.signal);
    if (!flavor)
      throw new ProfileError(`Failed in updating server: the specified flavor '${next.flavor}' could not be found.`);
    const before = await compute.getServer(id, ctx.signal);
    if (before?.flavorId !== flavor.id) {
      await compute.serverAction(id, 'resize', { flavorRef: flavor.id }, ctx.signal);
      await compute.waitForServer(id, ['VERIFY_RESIZE'], wait);
      await compute.serverAction(id, 'confirmResize', null, ctx.signal);
      await compute.waitForServer(id, ['ACTIVE', 'SHUTOFF'], wait);
    }
  }
  let data: Record<string, unknown> | undefined;
  if (!same(cur.networks, next.networks)) {
    try {
      data = { internal_ports: await updateNetworks(ctx, node, id, cur.networks ?? [], next.networks ?? []) };
    } catch (e) {
      if (ctx.signal.aborted) throw e;
      throw new ProfileError(`Failed in updating server '${id}': ${(e as Error).message}`, id);
    }
  }
  if (next.image && next.image !== cur.image) {
    const img = await image.findImage(next.image, ctx.signal);
    if (!img)
      throw new ProfileError(`Failed in updating server: the specified image '${next.image}' could not be found.`);
    await rebuild(ctx, node, next, id, img.id);
  }
  return data ? { data } : {};
}
