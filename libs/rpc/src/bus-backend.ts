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

  /*
   * Named queues and topics: what Grove shares with the world outside its own processes (message
   * receivers' queues, lifecycle-hook queues, the notification exchange). Names are used as
   * given, with no prefix added: the caller decides what its users see.
   */

  /**
   * Makes sure a durable queue of this name exists; resolves once it does. Rejects with
   * ServiceUnavailable when the broker cannot be reached or refuses (the queue exists with other
   * arguments); then nothing was declared.
   */
  declareQueue(name: string): Promise<void>;
  /**
   * Deletes a queue and the messages in it (its consumers, in any process, are cancelled); a queue
   * that does not exist counts as deleted. Rejects with ServiceUnavailable when the broker cannot
   * be reached.
   */
  deleteQueue(name: string): Promise<void>;
  /**
   * Puts a persistent JSON message on a queue and resolves once the broker has it. As the broker
   * does with its default exchange, a message for a queue that does not exist is dropped.
   */
  sendToQueue(name: string, data: unknown, o?: { messageId?: string }): Promise<void>;
  /**
   * Consumes a queue, on this connection and on every later one, until the returned function is
   * called. Each message is acknowledged once `handler` has settled, whether it resolved or threw,
   * so a message its handler cannot take (a poison message) is dropped rather than redelivered
   * forever; one that is not JSON is dropped unhandled and reported. Up to `prefetch` (default 1)
   * messages are handled at once; several consumers of one queue, in any processes, share its
   * messages. Rejects with ResourceNotFound when the queue does not exist, ServiceUnavailable when
   * the broker cannot be reached (nothing is then registered). `onGone` is called if the queue disappears later (deleted, here or by another
   * process); the consumer is then forgotten.
   */
  consumeQueue(
    name: string,
    handler: (m: QueueMessage) => Promise<void>,
    o?: { prefetch?: number; onGone?: () => void },
  ): Promise<() => Promise<void>>;
  /**
   * Publishes a persistent JSON message on a durable topic exchange (declared on first use and on
   * every reconnect), with `routingKey`; resolves once the broker has it. Delivery is at least
   * once: a publish the broker may or may not have taken when a connection died is sent again.
   */
  publishTopic(exchange: string, routingKey: string, data: unknown): Promise<void>;
  close(): Promise<void>;
}

/** A message taken from a named queue. */
export interface QueueMessage {
  /** The JSON body. */
  data: unknown;
  /** The sender's message id (AMQP `message-id` property), when it set one. */
  messageId?: string;
  /** True when the broker delivered it before, to a consumer that did not acknowledge it. */
  redelivered: boolean;
}

/** The reply envelope of an RPC call. */
export type RpcReply = { ok: unknown } | { err: { status: number; type: string; message: string } };

/** The envelope of every message: pattern, payload and the contract version it was written for. */
export interface BusPacket {
  v: number;
  pattern: string;
  data: unknown;
}
