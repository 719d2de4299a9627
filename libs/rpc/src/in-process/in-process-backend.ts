import { ResourceNotFound, ServiceUnavailable } from '@grove/core';
import type { BusBackend, BusHandlers, QueueMessage, RpcReply, ServeOptions } from '../bus-backend';
import type { BusRole, Delivery } from '../contracts/routes';
import { fromReply, toReplyError } from '../rpc-error';

interface LocalServer {
  handlers: BusHandlers;
  workConcurrency: number;
  active: number;
}

interface LocalConsumer {
  handler: (m: QueueMessage) => Promise<void>;
  prefetch: number;
  active: number;
  onGone?: () => void;
}

interface LocalQueue {
  messages: { data: unknown; messageId?: string }[];
  consumers: LocalConsumer[];
  next: number;
}

/**
 * The bus of all-in-one mode: the same delivery rules as RabbitMQ inside one process. Work
 * messages queue until a server has a free slot; payloads are copied through JSON so nothing is
 * shared by reference that would not be shared over a broker. Named queues live in memory (nobody
 * outside the process can reach them), and topic publishes go nowhere: there is no one to hear them.
 */
export class InProcessBackend implements BusBackend {
  readonly kind = 'in-process' as const;
  private readonly servers = new Map<BusRole, LocalServer[]>();
  private readonly backlog = new Map<BusRole, { pattern: string; data: unknown }[]>();
  private next = 0;
  private closed = false;
  private readonly queues = new Map<string, LocalQueue>();

  constructor(private readonly onError?: (e: unknown) => void) {}

  async serve(role: BusRole, handlers: BusHandlers, opts: ServeOptions): Promise<void> {
    const list = this.servers.get(role) ?? [];
    list.push({ handlers, workConcurrency: opts.workConcurrency, active: 0 });
    this.servers.set(role, list);
    this.pump(role);
  }

  async call(role: BusRole, pattern: string, data: unknown, timeoutMs: number): Promise<unknown> {
    const server = this.pick(role);
    if (!server) throw new ServiceUnavailable(`No ${role} is running to answer '${pattern}'.`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ServiceUnavailable(`No ${role} answered '${pattern}' within ${timeoutMs} ms.`)),
        timeoutMs,
      );
    });
    const reply: Promise<RpcReply> = server.handlers.rpc(pattern, copy(data)).then(
      (ok) => ({ ok: copy(ok) }) as RpcReply,
      (e: unknown) => toReplyError(e, this.onError),
    );
    try {
      return fromReply(await Promise.race([reply, timeout]));
    } finally {
      clearTimeout(timer);
    }
  }

  async emit(role: BusRole, delivery: Exclude<Delivery, 'rpc'>, pattern: string, data: unknown): Promise<void> {
    if (this.closed) return;
    if (delivery === 'broadcast') {
      for (const s of this.servers.get(role) ?? []) {
        s.handlers.event(pattern, copy(data)).catch((e: unknown) => this.onError?.(e));
      }
      return;
    }
    const queue = this.backlog.get(role) ?? [];
    queue.push({ pattern, data: copy(data) });
    this.backlog.set(role, queue);
    this.pump(role);
  }

  /** Hands queued work to servers with free slots, round robin, like a broker with prefetch. */
  private pump(role: BusRole): void {
    const queue = this.backlog.get(role);
    const servers = this.servers.get(role);
    if (!queue?.length || !servers?.length) return;
    for (let tried = 0; queue.length && tried < servers.length;) {
      const s = servers[this.next++ % servers.length];
      if (s.active >= s.workConcurrency) {
        tried++;
        continue;
      }
      tried = 0;
      const msg = queue.shift()!;
      s.active++;
      s.handlers
        .event(msg.pattern, msg.data)
        .catch((e: unknown) => this.onError?.(e))
        .finally(() => {
          s.active--;
          this.pump(role);
        });
    }
  }

  private pick(role: BusRole): LocalServer | undefined {
    const list = this.servers.get(role);
    return list?.length ? list[this.next++ % list.length] : undefined;
  }

  isConnected(): boolean {
    return !this.closed;
  }

  async workQueueDepth(role: BusRole): Promise<number | null> {
    return this.backlog.get(role)?.length ?? 0;
  }

  async declareQueue(name: string): Promise<void> {
    if (!this.queues.has(name)) this.queues.set(name, { messages: [], consumers: [], next: 0 });
  }

  async deleteQueue(name: string): Promise<void> {
    const q = this.queues.get(name);
    this.queues.delete(name);
    for (const c of q?.consumers ?? []) c.onGone?.();
  }

  async sendToQueue(name: string, data: unknown, o: { messageId?: string } = {}): Promise<void> {
    const q = this.queues.get(name);
    if (!q || this.closed) return; // like the broker's default exchange: no queue, no message
    q.messages.push({ data: copy(data), messageId: o.messageId });
    this.drain(q);
  }

  async consumeQueue(
    name: string,
    handler: (m: QueueMessage) => Promise<void>,
    o: { prefetch?: number; onGone?: () => void } = {},
  ): Promise<() => Promise<void>> {
    const q = this.queues.get(name);
    if (!q) throw new ResourceNotFound('queue', name);
    const c: LocalConsumer = { handler, prefetch: o.prefetch ?? 1, active: 0, onGone: o.onGone };
    q.consumers.push(c);
    this.drain(q);
    return async () => {
      q.consumers = q.consumers.filter((x) => x !== c);
    };
  }

  async publishTopic(_exchange: string, _routingKey: string, _data: unknown): Promise<void> {
    // Nothing outside this process could bind a queue to it.
  }

  /** Hands a queue's messages to its consumers with free slots, round robin; settled ones are gone. */
  private drain(q: LocalQueue): void {
    for (let tried = 0; q.messages.length && q.consumers.length && tried < q.consumers.length;) {
      const c = q.consumers[q.next++ % q.consumers.length];
      if (c.active >= c.prefetch) {
        tried++;
        continue;
      }
      tried = 0;
      const m = q.messages.shift()!;
      c.active++;
      c.handler({ data: m.data, messageId: m.messageId, redelivered: false })
        .catch((e: unknown) => this.onError?.(e))
        .finally(() => {
          c.active--;
          this.drain(q);
        });
    }
  }

  async stopServing(): Promise<void> {
    this.servers.clear();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.backlog.clear();
    this.queues.clear();
  }
}

const copy = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));
