import {
  profileTypeKey,
  ProfileError,
  type ProfileContext,
  type ProfileNode,
  type ProfileType,
  type RecoverRequest,
  type RecoverResult,
} from './profile-type';

/**
 * The recovery every profile type has (Senlin's base `do_recover`): delete the resource, then
 * create a new one for the node. A failed delete stops the recovery unless `forceRecreate`.
 * Types whose cloud offers nothing gentler (stacks, containers) support only this operation.
 */
export async function recreateOnly<P extends object>(
  type: Pick<ProfileType<P>, 'name' | 'version' | 'create' | 'delete'>,
  ctx: ProfileContext,
  node: ProfileNode,
  props: P,
  req: RecoverRequest,
): Promise<RecoverResult> {
  if (req.operation !== 'RECREATE') {
    throw new ProfileError(
      `Recovery failed: the profile type '${profileTypeKey(type)}' supports only the RECREATE operation, not ${req.operation}.`,
      node.physicalId,
    );
  }
  // The delete may wait no longer than the recovery allows it (`delete_timeout`).
  const limit = req.deleteTimeoutS ? req.deleteTimeoutS * 1000 : Infinity;
  const deleting: ProfileContext = {
    ...ctx,
    waitOptions: (capMs) => ctx.waitOptions(Math.min(capMs ?? Infinity, limit)),
  };
  try {
    await type.delete(deleting, node, props, { force: Boolean(req.params.fence_compute) });
  } catch (e) {
    if (!req.forceRecreate)
      throw new ProfileError(`Failed in recovering node '${node.id}': ${(e as Error).message}`, node.physicalId);
    ctx.log.warn(
      { node: node.id, err: (e as Error).message },
      'recreating although the old resource could not be deleted',
    );
  }
  const made = await type.create(ctx, { ...node, physicalId: null }, props);
  return { physicalId: made.physicalId, data: { ...made.data, recovery: 'RECREATE' }, dependsOn: made.dependsOn };
}
