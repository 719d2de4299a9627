import { hostname } from 'node:os';
import type { Logger } from '@grove/core';
import { AmqpBackend } from './amqp/amqp-backend';
import type { BusBackend } from './bus-backend';
import { InProcessBackend } from './in-process/in-process-backend';

/**
 * RabbitMQ when an AMQP URL is given, else the in-process bus of all-in-one mode. `service` names the
 * process in the broker's connection list, as `grove-engine [prefix] host:pid`.
 */
export function createBus(o: {
  amqpUrl?: string;
  prefix: string;
  logger: Logger;
  queueExpiresMs?: number;
  service?: string;
}): BusBackend {
  if (!o.amqpUrl) return new InProcessBackend((e) => o.logger.error({ err: e }, 'in-process message handler failed'));
  return new AmqpBackend({
    url: o.amqpUrl,
    prefix: o.prefix,
    queueExpiresMs: o.queueExpiresMs,
    connectionName: `${o.service ?? 'grove'} [${o.prefix}] ${hostname()}:${process.pid}`,
    onHandlerError: (e, pattern) => o.logger.error({ err: e, pattern }, 'rpc handler failed'),
    onEvent: (event, detail) => {
      if (event === 'connect') o.logger.info('connected to RabbitMQ');
      else o.logger.warn({ detail }, event === 'disconnect' ? 'lost RabbitMQ; reconnecting' : 'RabbitMQ trouble');
    },
  });
}

/** AMQP_QUEUE_EXPIRES_S in the milliseconds RabbitMQ wants; undefined when unset. */
export const expiresMs = (cfg: { AMQP_QUEUE_EXPIRES_S?: number }): number | undefined =>
  cfg.AMQP_QUEUE_EXPIRES_S ? cfg.AMQP_QUEUE_EXPIRES_S * 1000 : undefined;
