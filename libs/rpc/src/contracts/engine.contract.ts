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
  'profile.validate': { req: { spec: Record<string, unknown>; project?: string }; res: { valid: true } };
  /** Deep validation of a policy spec against the cloud (regions, zones, an adopted load balancer exist). */
  'policy.validate': { req: { spec: Record<string, unknown> }; res: { valid: true } };
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
