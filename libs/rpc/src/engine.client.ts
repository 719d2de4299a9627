import type { BusBackend } from './bus-backend';
import type { EngineEvents, EngineRpc } from './contracts/engine.contract';
import { routeOf } from './contracts/routes';

export interface EngineClientOptions {
  rpcTimeoutMs: number;
  /** Where a failed announcement is reported; the engines' scan will still find the action. */
  onPublishError?: (pattern: string, e: unknown) => void;
}

/**
 * The typed way to reach engines. `call` waits for a reply (bounded by the RPC timeout, never
 * forever); `announce` and `cancel` are fire-and-forget, because Postgres holds the truth and the
 * engines' scan re-announces READY actions whose message was lost.
 */
export class EngineClient {
  constructor(
    private readonly backend: BusBackend,
    private readonly o: EngineClientOptions,
  ) {}

  async call<M extends keyof EngineRpc>(
    method: M,
    req: EngineRpc[M]['req'],
    timeoutMs?: number,
  ): Promise<EngineRpc[M]['res']> {
    const { role } = routeOf(method);
    return (await this.backend.call(role, method, req, timeoutMs ?? this.o.rpcTimeoutMs)) as EngineRpc[M]['res'];
  }

  /** Announces READY actions to the work queue. Resolves when the broker has them. */
  async announce(actionIds: readonly string[]): Promise<void> {
    await Promise.all(actionIds.map((id) => this.emit('action.start', { actionId: id })));
  }

  /** Announces without waiting; errors are reported, not thrown. */
  announceLater(actionIds: readonly string[]): void {
    this.announce(actionIds).catch((e: unknown) => this.o.onPublishError?.('action.start', e));
  }

  cancel(actionIds: readonly string[]): void {
    for (const id of actionIds) {
      this.emit('action.cancel', { actionId: id }).catch((e: unknown) => this.o.onPublishError?.('action.cancel', e));
    }
  }

  private emit<E extends keyof EngineEvents>(event: E, payload: EngineEvents[E]): Promise<void> {
    const { role, delivery } = routeOf(event);
    if (delivery === 'rpc') throw new Error(`'${event}' is an RPC method`);
    return this.backend.emit(role, delivery, event, payload);
  }
}
