import { hostname } from 'node:os';
import type { ApiConfig } from '@grove/core';
import type { GroveRequest } from '../http/grove-request';
import { baseUrl } from '../http/location';
import { pyRepr } from '../http/senlin-validators';

/** Senlin's version of the webhook URLs it hands out. */
const WEBHOOK_VERSION = 2;

/** The queue of a message receiver, named as Senlin names its Zaqar queue. */
export const receiverQueue = (receiverId: string): string => `senlin-receiver-${receiverId}`;

/**
 * Where webhook URLs point, Senlin's rule adapted: RECEIVER_BASE_URL (its `[receiver] host/port`,
 * `/v1` added unless the path ends in it), else API_PUBLIC_URL + `/v1` (its Keystone endpoint),
 * else the Host the request came to, else this host's name and the api's port.
 */
export function webhookBase(cfg: ApiConfig, req: GroveRequest): string {
  if (cfg.RECEIVER_BASE_URL) {
    const base = cfg.RECEIVER_BASE_URL.replace(/\/+$/, '');
    return /\/v1$/.test(base) ? base : `${base}/v1`;
  }
  if (cfg.API_PUBLIC_URL || req.headers.host) return `${baseUrl(req, cfg.API_PUBLIC_URL)}/v1`;
  return `http://${hostname()}:${cfg.API_PORT}/v1`;
}

/** Python's str() of a JSON value, as urlencode writes it. */
const pyStr = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : pyRepr(v));

/** Python's quote_plus: only letters, digits and `_.-~` stay; spaces become `+`. */
const quotePlus = (s: string): string =>
  encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');

/**
 * `<base>/webhooks/<id>/trigger?V=2[&k=v…]`: the params, sorted by key and URL-encoded, only
 * mirror the stored ones (a trigger reads the receiver's params, not the query).
 */
export function alarmUrl(base: string, receiverId: string, params: Record<string, unknown>): string {
  const query = Object.keys(params)
    .sort()
    .map((k) => `${quotePlus(k)}=${quotePlus(pyStr(params[k]))}`);
  return [`${base}/webhooks/${receiverId}/trigger?V=${WEBHOOK_VERSION}`, ...query].join('&');
}

/** A webhook's URL with new params: the same base, a new query. */
export function withParams(url: string, receiverId: string, params: Record<string, unknown>): string {
  const at = url.indexOf(`/webhooks/${receiverId}/trigger`);
  return at < 0 ? url : alarmUrl(url.slice(0, at), receiverId, params);
}

/**
 * What a message receiver's channel shows: its queue, and how to reach the broker without any
 * credential (RECEIVER_BROKER_URL, else AMQP_URL's host, port and vhost). Messages go to the
 * queue through the default exchange (routing key = queue name).
 */
export function brokerChannel(queueName: string, brokerUrl: string): Record<string, unknown> {
  const url = new URL(brokerUrl);
  const tls = url.protocol === 'amqps:';
  const path = decodeURIComponent(url.pathname.replace(/^\//, ''));
  return {
    queue_name: queueName,
    host: url.hostname,
    port: url.port ? Number(url.port) : tls ? 5671 : 5672,
    vhost: path || '/',
  };
}
