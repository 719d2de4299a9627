import type { BusRole, Delivery } from './contracts/routes';

/** What a server does with what arrives: events return nothing, rpc returns the reply. */
export interface BusHandlers {
  event(pattern: string, data: unknown): Promise<void>;
  rpc(pattern: string, data: unknown): Promise<unknown>;
}

export interface ServeOptions {
  /** Work messages handled at once (RabbitMQ prefetch); waiting ones stay in the queue for other servers. */
  workConcurrency: number;
  /** RPC requests handled at once. */
  rpcConcurrency: number;
}

/**
 * A message bus as Grove needs it, implemented over RabbitMQ and in-process (all-in-one mode).
 * Postgres stays the source of truth: a lost `work` message costs only latency, because the
 * engines' scan re-announces READY actions.
 */
export interface BusBackend {
  readonly kind: 'amqp' | 'in-process';
  serve(role: BusRole, handlers: BusHandlers, opts: ServeOptions): Promise<void>;
  /** Sends a request to one server of the role and waits up to `timeoutMs` for its reply. */
  call(role: BusRole, pattern: string, data: unknown, timeoutMs: number): Promise<unknown>;
  /** Sends a one-way message; resolves once the broker has it (work) or it was handed over. */
  emit(role: BusRole, delivery: Exclude<Delivery, 'rpc'>, pattern: string, data: unknown): Promise<void>;
  /** True while the broker is reachable and this process's consumers are in place (readiness). */
  isConnected(): boolean;
  /** Stops taking messages as a server (shutdown); what is not acknowledged goes to other servers. */
  stopServing(): Promise<void>;
  /** Messages waiting in the role's work queue, for the queue-depth metric. */
  workQueueDepth(role: BusRole): Promise<number | null>;
  close(): Promise<void>;
}

/** The reply envelope of an RPC call. */
export type RpcReply = { ok: unknown } | { err: { status: number; type: string; message: string } };

/** The envelope of every message: pattern, payload and the contract version it was written for. */
export interface BusPacket {
  v: number;
  pattern: string;
  data: unknown;
}
