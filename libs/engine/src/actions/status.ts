import type { EntityManager } from 'typeorm';
import {
  checkSizeParams,
  formatNodeName,
  newId,
  type ClusterStatus,
  type NodeStatus,
  type SizeBounds,
} from '@grove/core';
import {
  claimOf,
  type ClusterEntity,
  newNode,
  type NodeEntity,
  type ActionEntity,
  type ClusterPatch,
  type ClusterRepository,
  type EventEntity,
  type NodePatch,
  type NodeRepository,
} from '@grove/db';
import { clusterObject, events, nodeObject } from '../events/event-writer';

/** Sets a node's status (and any other fields) in `em`; returns the status event to write with it. */
export async function setNodeStatus(
  repo: NodeRepository,
  em: EntityManager,
  a: ActionEntity,
  node: NodeEntity,
  status: NodeStatus,
  reason: string,
  patch: NodePatch = {},
): Promise<EventEntity> {
  await repo.update(node.id, { ...patch, status, statusReason: reason }, em);
  return events.status(a, nodeObject(node), status, reason);
}

/**
 * Writes a node's intermediate status (CREATING, UPDATING, RECOVERING, …) with its event at once,
 * so users see what the node is going through while the cloud works.
 */
export async function markNode(
  nodes: NodeRepository,
  a: ActionEntity,
  node: NodeEntity,
  status: NodeStatus,
  reason: string,
): Promise<void> {
  await nodes.markStatus(node.id, status, reason, [events.status(a, nodeObject(node), status, reason)], claimOf(a));
}

/** The three sizes the size rules of libs/core read. */
export const sizeBounds = (c: Pick<ClusterEntity, 'minSize' | 'maxSize' | 'desiredCapacity'>): SizeBounds => ({
  minSize: c.minSize,
  maxSize: c.maxSize,
  desiredCapacity: c.desiredCapacity,
});

/**
 * Why the cluster may not have `desired` members, or null when it may: the strict check every
 * action that adds or removes a known number of members makes before it touches anything.
 */
export const strictSizeProblem = (
  c: Pick<ClusterEntity, 'minSize' | 'maxSize' | 'desiredCapacity'>,
  desired: number,
  maxNodesPerCluster: number,
): string | null => checkSizeParams({ cluster: sizeBounds(c), desired, strict: true, maxNodesPerCluster });

/**
 * Senlin's verdict on a cluster after an action: fewer ACTIVE members than min_size is ERROR,
 * fewer than desired_capacity WARNING, more than max_size WARNING, else ACTIVE. `patch` lands in
 * the same write (new sizes, created_at). `operation` starts the reason: an action name, or the
 * operation's name for CLUSTER_OPERATION (`reboot: number of active nodes …`), as in Senlin.
 */
export async function evaluateCluster(
  clusters: ClusterRepository,
  nodes: NodeRepository,
  em: EntityManager,
  a: ActionEntity,
  cluster: ClusterEntity,
  operation: string,
  patch: ClusterPatch = {},
): Promise<EventEntity[]> {
  const { active } = await nodes.countMembers(cluster.id, em);
  const desired = patch.desiredCapacity ?? cluster.desiredCapacity;
  const min = patch.minSize ?? cluster.minSize;
  const max = patch.maxSize ?? cluster.maxSize;
  let status: ClusterStatus;
  let reason: string;
  if (active < min) {
    status = 'ERROR';
    reason = `${operation}: number of active nodes is below min_size (${min}).`;
  } else if (active < desired) {
    status = 'WARNING';
    reason = `${operation}: number of active nodes is below desired_capacity (${desired}).`;
  } else if (max < 0 || active <= max) {
    status = 'ACTIVE';
    reason = `${operation}: number of active nodes is equal or above desired_capacity (${desired}).`;
  } else {
    status = 'WARNING';
    reason = `${operation}: number of active nodes is above max_size (${max}).`;
  }
  await clusters.update(cluster.id, { ...patch, status, statusReason: reason }, em);
  return [events.status(a, clusterObject(cluster), status, reason)];
}

/** Sets a cluster's status in `em` (the intermediate ones: CREATING, RESIZING, …) with its event. */
export async function setClusterStatus(
  clusters: ClusterRepository,
  em: EntityManager,
  a: ActionEntity,
  cluster: ClusterEntity,
  status: ClusterStatus,
  reason: string,
  patch: ClusterPatch = {},
): Promise<EventEntity[]> {
  await clusters.update(cluster.id, { ...patch, status, statusReason: reason }, em);
  return [events.status(a, clusterObject(cluster), status, reason)];
}

/**
 * Rows for `count` new members of a cluster, with indexes from `firstIndex` (reserved by the
 * caller). A member belongs to the user whose action made it (a webhook's: the receiver's owner),
 * as in Senlin, and so its cloud work uses that user's trust; one made by a user of another
 * project (an admin) belongs to the cluster's owner, whose project it lives in.
 */
export function newMembers(
  cluster: ClusterEntity,
  count: number,
  firstIndex: number,
  data: Record<string, unknown>[] = [],
  by?: { userId: string; project: string },
): NodeEntity[] {
  const now = new Date();
  return Array.from({ length: count }, (_, i) =>
    newNode({
      id: newId(),
      name: formatNodeName(cluster.config['node.name.format'], firstIndex + i),
      clusterId: cluster.id,
      profileId: cluster.profileId,
      userId: by && by.project === cluster.project ? by.userId : cluster.userId,
      project: cluster.project,
      domain: cluster.domain,
      index: firstIndex + i,
      initAt: now,
      data: data[i] ?? {},
    }),
  );
}
