import type { EngineEventName, EngineRpcMethod } from './engine.contract';

/** Which process kind serves a message. */
export type BusRole = 'engine' | 'health';

/**
 * How a message travels: `rpc` to one server of the role that answers; `work` to one server of the
 * role, persisted and acknowledged after it is handled; `broadcast` to every server of the role.
 */
export type Delivery = 'rpc' | 'work' | 'broadcast';

export interface Route {
  role: BusRole;
  delivery: Delivery;
}

export const ROUTES: Record<EngineRpcMethod | EngineEventName, Route> = {
  'node.details': { role: 'engine', delivery: 'rpc' },
  'nodes.details': { role: 'engine', delivery: 'rpc' },
  'node.adopt-preview': { role: 'engine', delivery: 'rpc' },
  'node.adopt': { role: 'engine', delivery: 'rpc' },
  'profile.validate': { role: 'engine', delivery: 'rpc' },
  'policy.validate': { role: 'engine', delivery: 'rpc' },
  'action.preview': { role: 'engine', delivery: 'rpc' },
  'nodes.health': { role: 'engine', delivery: 'rpc' },
  'node.recover': { role: 'engine', delivery: 'rpc' },
  'action.start': { role: 'engine', delivery: 'work' },
  'action.cancel': { role: 'engine', delivery: 'broadcast' },
};

export function routeOf(pattern: string): Route {
  const route = (ROUTES as Record<string, Route | undefined>)[pattern];
  if (!route) throw new Error(`No route for message '${pattern}'`);
  return route;
}
