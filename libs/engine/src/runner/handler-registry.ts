import { Injectable, type OnModuleInit, SetMetadata } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import {
  ACTION_NAMES,
  type ActionName,
  type ClusterActionName,
  isClusterAction,
  type NodeActionName,
} from '@grove/core';
import type { ActionResult } from './action-result';
import type { ActionContext, ClusterActionContext, NodeActionContext } from './action-context';

const HANDLES = Symbol('grove:handles-action');

/** Marks a class as the handler of one action name; the registry finds it at boot. */
export const HandlesAction = (name: ActionName) => SetMetadata(HANDLES, name);

export interface ActionHandler<C extends ActionContext = ActionContext> {
  run(ctx: C): Promise<ActionResult>;
}
/** A cluster action's handler; `S` names the steps it resumes at (`'nodes-created' | 'nodes-deleted'`). */
export type ClusterActionHandler<
  N extends ClusterActionName = ClusterActionName,
  S extends string = string,
> = ActionHandler<ClusterActionContext<N, S>>;
export type NodeActionHandler<N extends NodeActionName = NodeActionName> = ActionHandler<NodeActionContext<N>>;

/** Finds every @HandlesAction class and refuses to boot on a name with no handler or two (IM JobRepository.setup). */
@Injectable()
export class HandlerRegistry implements OnModuleInit {
  private readonly handlers = new Map<ActionName, ActionHandler>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as ActionHandler | undefined;
      const name = instance?.constructor
        ? (Reflect.getMetadata(HANDLES, instance.constructor) as ActionName | undefined)
        : undefined;
      if (!name || !instance) continue;
      if (this.handlers.has(name)) throw new Error(`Two handlers are registered for ${name}`);
      this.handlers.set(name, instance);
    }
    const missing = ACTION_NAMES.filter((n) => !this.handlers.has(n));
    if (missing.length) throw new Error(`No handler is registered for ${missing.join(', ')}`);
  }

  get(name: ActionName): ActionHandler {
    const h = this.handlers.get(name);
    if (!h) throw new Error(`No handler for ${name}`);
    return h;
  }

  isCluster(name: ActionName): boolean {
    return isClusterAction(name);
  }
}
