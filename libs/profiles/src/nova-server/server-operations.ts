import { ProfileError, type ProfileContext, type ProfileNode } from '../profile-type';
import { NOVA_TIMEOUT_MS } from './create-server';
import type { NovaServerProps } from './nova-server.properties';

interface NovaCall {
  action: string;
  body: (params: Record<string, unknown>, props: NovaServerProps, node: ProfileNode) => unknown;
  /** The status the server settles in afterwards; none means Nova acts at once. */
  settles?: string[];
}

/** Each operation of `/ops` as the Nova server action that performs it. */
const CALLS: Record<string, NovaCall> = {
  reboot: { action: 'reboot', body: (p) => ({ type: p.type ?? 'SOFT' }), settles: ['ACTIVE'] },
  rebuild: { action: 'rebuild', body: () => ({}), settles: ['ACTIVE'] },
  change_password: { action: 'changePassword', body: (p) => ({ adminPass: p.admin_pass }) },
  pause: { action: 'pause', body: () => null, settles: ['PAUSED'] },
  unpause: { action: 'unpause', body: () => null, settles: ['ACTIVE'] },
  suspend: { action: 'suspend', body: () => null, settles: ['SUSPENDED'] },
  resume: { action: 'resume', body: () => null, settles: ['ACTIVE'] },
  lock: { action: 'lock', body: () => null },
  unlock: { action: 'unlock', body: () => null },
  start: { action: 'os-start', body: () => null, settles: ['ACTIVE'] },
  stop: { action: 'os-stop', body: () => null, settles: ['SHUTOFF'] },
  rescue: {
    action: 'rescue',
    body: (p) => (p.image_ref ? { rescue_image_ref: p.image_ref } : {}),
    settles: ['RESCUE'],
  },
  unrescue: { action: 'unrescue', body: () => null, settles: ['ACTIVE'] },
  evacuate: {
    action: 'evacuate',
    body: (p) => ({
      ...(p.host ? { host: p.host } : {}),
      ...(p.force ? { force: String(p.force).toLowerCase() === 'true' } : {}),
    }),
    settles: ['ACTIVE'],
  },
};

function requireServer(node: ProfileNode, what: string): string {
  if (!node.physicalId) throw new ProfileError(`Failed in ${what} server: the node has no server.`);
  return node.physicalId;
}

export async function runServerOperation(
  ctx: ProfileContext,
  node: ProfileNode,
  props: NovaServerProps,
  name: string,
  params: Record<string, unknown>,
): Promise<void> {
  const call = CALLS[name];
  if (!call)
    throw new ProfileError(
      `The requested operation '${name}' is not supported by the profile type 'os.nova.server-1.0'.`,
    );
  const id = requireServer(node, name);
  if (name === 'change_password' && typeof params.admin_pass !== 'string') {
    throw new ProfileError('No admin password provided.');
  }
  if (name === 'rebuild') {
    await rebuild(ctx, node, props, id, null);
    return;
  }
  await ctx.cloud.compute.serverAction(id, call.action, call.body(params, props, node), ctx.signal);
  if (call.settles) await ctx.cloud.compute.waitForServer(id, call.settles, ctx.waitOptions(NOVA_TIMEOUT_MS));
}

/** Rebuilds the server from `imageRef`, or from the image it runs now. */
export async function rebuild(
  ctx: ProfileContext,
  node: ProfileNode,
  props: NovaServerProps,
  id: string,
  imageRef: string | null,
): Promise<void> {
  const server = await ctx.cloud.compute.getServer(id, ctx.signal);
  if (!server) throw new ProfileError(`Failed in rebuilding server: server ${id} could not be found.`);
  const image = imageRef ?? server.imageId;
  if (!image) throw new ProfileError(`Failed in rebuilding server: server ${id} was not booted from an image.`);
  const body: Record<string, unknown> = { imageRef: image, name: props.name ?? node.name };
  if (props.admin_pass) body.adminPass = props.admin_pass;
  await ctx.cloud.compute.serverAction(id, 'rebuild', body, ctx.signal);
  await ctx.cloud.compute.waitForServer(id, ['ACTIVE'], ctx.waitOptions(NOVA_TIMEOUT_MS));
}
