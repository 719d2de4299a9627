import type { Scope } from '@grove/core';

/** Rises only for a breaking change; fields may be added but never renamed (STYLE C9). */
export const RPC_VERSION = 1;

/**
 * Calls the api makes to an engine and waits for (request/reply). Anything that needs a driver
 * goes through here, because the api holds no cloud credentials.
 */
export interface EngineRpc {
  /** The cloud's view of a node, for `GET /v1/nodes/{id}?show_details=true`. */
  'node.details': { req: { scope: Scope; nodeId: string }; res: { details: Record<string, unknown> } };
  /**
   * Deep validation of a profile spec against the cloud (flavors, images, networks exist) and,
   * for types that build on other nodes, against the project's nodes and clusters.
   */
  'profile.validate': {
    req: { spec: Record<string, unknown>; project?: string; userId?: string };
    res: { valid: true };
  };
  /**
   * Deep validation of a policy spec against the cloud (regions, zones, an adopted load balancer
   * exist), as the requester sees it (`userId` in `project`, through their trust in keystone mode).
   */
  'policy.validate': {
    req: { spec: Record<string, unknown>; project?: string; userId?: string };
    res: { valid: true };
  };
  /**
   * Reads an existing cloud resource and describes it as a profile spec of `type` (a type key,
   * `os.nova.server-1.0`), the overrides laid on top and the result checked as profile create
   * checks a spec (Senlin's node_adopt_preview). Nothing is written anywhere. `node_preview` is
   * what `POST /v1/nodes/adopt-preview` shows; the rest is what `POST /v1/nodes/adopt` records.
   */
  'node.adopt-preview': {
    req: {
      /** The project the node is for (a container's host is looked up there). */
      project: string;
      /** Who asks: the resource is read with their rights (their trust, in keystone mode). */
      userId?: string;
      identity: string;
      type: string;
      overrides?: Record<string, unknown> | null;
    };
    res: {
      node_preview: { type: string; version: string; properties: Record<string, unknown> };
      /** The resource's id, which `identity` may have named another way (a stack's name). */
      physical_id: string;
      /** The new node's `data`, as a create would have recorded it. */
      data: Record<string, unknown>;
      /** Nodes the resource lives on (a container's host): they list the new node in `dependents.nodes`. */
      depends_on: string[];
      /** The node the resource is already tagged as (`cluster_node_id`), if any. */
      tagged_node: string | null;
    };
  };
  /**
   * Tags the resource of a node the api has just recorded for an adoption with the node's id, as
   * a create tags what it makes. Fails when the resource cannot be tagged.
   */
  'node.adopt': { req: { nodeId: string }; res: { tagged: true } };
  /**
   * Grove (1.15): what a cluster action would do, decided exactly as the real one would (its
   * policies BEFORE, then its membership plan) but with nothing changed anywhere.
   */
  'action.preview': {
    req: {
      clusterId: string;
      action: string;
      inputs: Record<string, unknown>;
      project: string;
      userId: string;
    };
    res: { preview: Record<string, unknown> };
  };
  /**
   * The health manager's NODE_STATUS_POLLING: each node's resource as its profile's cloud check
   * finds it (`null` for a node that is gone from the database or whose check could not finish).
   */
  'nodes.health': {
    /** `hypervisor` (HYPERVISOR_STATUS_POLLING): the state of the compute host each node's server runs on. */
    req: { nodeIds: string[]; of?: 'resource' | 'hypervisor' };
    res: { health: Record<string, { healthy: boolean; reason: string } | null> };
  };
  /**
   * The health manager asks for a node's recovery: a NODE_RECOVER action on behalf of the
   * cluster's owner. `actionId` is null, with `skipped` saying why, when the node is not there, is
   * locked, or has an action on its way (the recovery would only conflict with it).
   */
  'node.recover': {
    req: { nodeId: string; inputs: Record<string, unknown> };
    res: { actionId: string | null; skipped?: string };
  };
  /** Details of several nodes at once, for collect paths that mention `details`. */
  'nodes.details': {
    req: { scope: Scope; nodeIds: string[] };
    res: { details: Record<string, Record<string, unknown> | null> };
  };
}

/** Messages to engines that need no reply. */
export interface EngineEvents {
  /** An action is READY: some engine should claim and run it. Delivered at least once. */
  'action.start': { actionId: string };
  /** An action was cancelled: whichever engine runs it should stop at once. Sent to every engine. */
  'action.cancel': { actionId: string };
}

export type EngineRpcMethod = keyof EngineRpc;
export type EngineEventName = keyof EngineEvents;
