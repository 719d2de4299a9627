import { Inject, Injectable } from '@nestjs/common';
import { ROOT_LOGGER, type Logger } from '@grove/core';

/** A deletion policy's `hooks`: where to tell that a node is about to go, and how long to wait. */
export interface LifecycleHook {
  /** `zaqar` (Senlin's name; Grove posts to a RabbitMQ queue) or `webhook` (Grove: an HTTP POST). */
  type: string;
  params: { queue?: string; url?: string };
  /** Seconds to hold the victims; 0 = until the action's deadline. */
  timeout: number;
}

/** What a hook message says (Senlin's post_lifecycle_hook_message body). */
export interface LifecycleMessage {
  lifecycle_action_token: string;
  node_id: string;
  resource_id: string;
  lifecycle_transition_type: 'termination';
}

/** Where queue messages go: the bus, when it can reach named queues. */
export interface HookQueues {
  sendToQueue(name: string, body: unknown): Promise<void>;
}

export const HOOK_QUEUES = Symbol('HOOK_QUEUES');

const WEBHOOK_TIMEOUT_MS = 10_000;

/** Reads `data.hooks` as the deletion policy wrote it; null when there is none. */
export function lifecycleHook(data: Record<string, unknown>): LifecycleHook | null {
  const h = data.hooks as Partial<LifecycleHook> | undefined;
  if (!h || typeof h !== 'object') return null;
  const params = (h.params ?? {}) as LifecycleHook['params'];
  return { type: String(h.type ?? 'zaqar'), params, timeout: Number(h.timeout ?? 0) || 0 };
}

/**
 * Tells the owner of a cluster that nodes are about to be deleted, so that it can drain them and
 * then complete the lifecycle (`complete_lifecycle`, with the message's token). A message that
 * cannot be delivered is logged; the victims are released when the hook's timeout passes anyway.
 */
@Injectable()
export class LifecycleHooks {
  constructor(
    @Inject(ROOT_LOGGER) private readonly log: Logger,
    @Inject(HOOK_QUEUES) private readonly queues: HookQueues,
  ) {}

  async notify(hook: LifecycleHook, messages: readonly LifecycleMessage[]): Promise<void> {
    for (const m of messages) {
      try {
        if (hook.type === 'webhook' && hook.params.url) await this.post(hook.params.url, m);
        else if (hook.params.queue) await this.queues.sendToQueue(hook.params.queue, m);
        else this.log.warn({ hook: hook.type }, 'lifecycle hook has nowhere to post its message');
      } catch (e) {
        this.log.warn({ err: e, token: m.lifecycle_action_token }, 'could not deliver a lifecycle hook message');
      }
    }
  }

  private async post(url: string, m: LifecycleMessage): Promise<void> {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(m),
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`the hook URL answered ${res.status}`);
  }
}
