import { CAUSE_RPC } from '@grove/core';
import type { ActionEntity } from '@grove/db';

/**
 * The cluster a user's NODE_CREATE asked its node into (POST /v1/nodes with cluster_id). The api
 * records only the wish, on the action; the node becomes a member when its create, holding the
 * cluster lock, finds room for it (NodeCreateHandler), so a create that never runs leaves no member.
 */
export const clusterToJoin = (action: Pick<ActionEntity, 'action' | 'cause' | 'clusterId'>): string | null =>
  action.action === 'NODE_CREATE' && action.cause === CAUSE_RPC ? action.clusterId : null;
