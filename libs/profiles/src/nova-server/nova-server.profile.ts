import { defineProfileType, ProfileError } from '../profile-type';
import { adoptServer } from './adopt-server';
import { createServer, findServers, NOVA_TIMEOUT_MS, validateServerSpec } from './create-server';
import { NOVA_SERVER_OPERATIONS, NOVA_SERVER_PROPERTIES, type NovaServerProps } from './nova-server.properties';
import { checkServer, deleteServer, serverDetails, tagServer, untagServer } from './server-lifecycle';
import { rebuild, runServerOperation } from './server-operations';
import { updateServer } from './update-server';

/** A node is one Nova server. */
export const novaServerProfile = defineProfileType<NovaServerProps>({
  name: 'os.nova.server',
  version: '1.0',
  supportStatus: {
    '1.0': [{ status: 'SUPPORTED', since: '2016.04' }],
  },
  properties: NOVA_SERVER_PROPERTIES,
  operations: NOVA_SERVER_OPERATIONS,

  validateInCloud: (ctx, props) => validateServerSpec(ctx.cloud, props, ctx.signal),
  create: createServer,
  findCreated: findServers,
  delete: deleteServer,
  update: updateServer,
  check: (ctx, node) => checkServer(ctx, node),
  details: (ctx, node) => serverDetails(ctx, node),
  join: (ctx, node, _props, clusterId, index) => tagServer(ctx, node, clusterId, index),
  leave: (ctx, node) => untagServer(ctx, node),
  adopt: adoptServer,
  operation: runServerOperation,

  async recover(ctx, node, props, req) {
    if (req.operation === 'REBOOT' && node.physicalId) {
      const type = String(req.params.type ?? 'HARD').toUpperCase();
      await ctx.cloud.compute.serverAction(node.physicalId, 'reboot', { type }, ctx.signal);
      await ctx.cloud.compute.waitForServer(node.physicalId, ['ACTIVE'], ctx.waitOptions(NOVA_TIMEOUT_MS));
      return { physicalId: node.physicalId };
    }
    if (req.operation === 'REBUILD' && node.physicalId) {
      const image = typeof req.params.image === 'string' ? req.params.image : null;
      const resolved = image ? ((await ctx.cloud.image.findImage(image, ctx.signal))?.id ?? null) : null;
      if (image && !resolved) throw new ProfileError(`The specified image '${image}' could not be found.`);
      await rebuild(ctx, node, props, node.physicalId, resolved);
      return { physicalId: node.physicalId };
    }
    // RECREATE, and REBOOT/REBUILD of a node whose server is gone: a new server in its place.
    try {
      await deleteServer(ctx, node, props, { force: Boolean(req.params.fence_compute) });
    } catch (e) {
      if (!req.forceRecreate)
        throw new ProfileError(`Failed in recovering node: ${(e as Error).message}`, node.physicalId);
      ctx.log.warn(
        { node: node.id, err: (e as Error).message },
        'recreating although the old server could not be deleted',
      );
    }
    const fresh = { ...node, physicalId: null, data: { ...node.data, internal_ports: [] } };
    const created = await createServer(ctx, fresh, props);
    return { physicalId: created.physicalId, data: { ...created.data, recovery: 'RECREATE' } };
  },
});
