import { Agent, errors as undiciErrors, request } from 'undici';
import {
  ConstantBackoff,
  ExponentialBackoff,
  handleWhen,
  retry,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
  type RetryPolicy,
} from 'cockatiel';
import { CloudError, CloudUnavailable } from '@grove/core';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON unless it is a string. */
  body?: unknown;
  /** Statuses that are answers rather than errors (2xx always are). */
  expect?: number[];
  signal?: AbortSignal;
  /** A POST that is harmless to repeat (a token request), retried as GET is. */
  idempotent?: boolean;
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

export interface JsonHttpOptions {
  /** Name used in error messages, e.g. `Nova`. */
  service: string;
  timeoutMs: number;
  /** Retries of idempotent requests on connection errors, 429 and 5xx. */
  retries: number;
  maxConnections: number;
  insecure?: boolean;
  /** A connection pool shared with other clients of the same cloud. */
  dispatcher?: Agent;
  /**
   * Awaited before each attempt of a request that may change something (any method but GET and
   * HEAD); what it throws ends the request unsent. The engine stops here a call of an action it no
   * longer holds (ClaimGuard).
   */
  beforeChange?: () => void | Promise<void>;
}

const IDEMPOTENT: ReadonlySet<HttpMethod> = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);
const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);

/** A failed exchange that may succeed if tried again. */
class TransientHttpError extends Error {
  constructor(
    override readonly cause: unknown,
    /** The request may have been processed. */
    readonly sent: boolean,
    /** The service said when to come back (Retry-After). */
    readonly retryAfterMs?: number,
  ) {
    super('transient');
  }
}

/** The longest Retry-After obeyed; a longer one is taken as this. */
const MAX_RETRY_AFTER_MS = 30_000;

/** Retry-After in milliseconds (seconds or an HTTP date), or undefined when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(header) ? header[0] : header;
  if (!v) return undefined;
  const ms = /^\d+$/.test(v.trim()) ? Number(v.trim()) * 1000 : Date.parse(v) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS) : undefined;
}

/** Exponential backoff, except that a service's Retry-After wins. */
class ServerDirectedBackoff implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(private readonly fallback: IBackoffFactory<IRetryBackoffContext<unknown>>) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    const fallback = this.fallback.next(context);
    const error = 'error' in context.result ? context.result.error : undefined;
    const asked = error instanceof TransientHttpError ? error.retryAfterMs : undefined;
    return { duration: asked ?? fallback.duration, next: (c) => new ServerDirectedBackoff(fallback).next(c) };
  }
}

/**
 * JSON over HTTP with pooled keep-alive connections (undici) and retries (cockatiel). Requests
 * that may have been processed are retried only when repeating them is harmless: GET, HEAD, PUT
 * and DELETE always, POST only when the connection was refused before anything was sent.
 * Error messages name the service, method and path, never headers, tokens or bodies sent.
 */
export class JsonHttp {
  private readonly agent: Agent;
  private readonly ownsAgent: boolean;
  private readonly idempotentRetry: RetryPolicy;
  private readonly refusedRetry: RetryPolicy;

  constructor(private readonly o: JsonHttpOptions) {
    this.ownsAgent = !o.dispatcher;
    this.agent = o.dispatcher ?? JsonHttp.agent(o);
    const transient = handleWhen((e) => e instanceof TransientHttpError);
    this.idempotentRetry = retry(transient, {
      maxAttempts: o.retries,
      backoff: new ServerDirectedBackoff(new ExponentialBackoff({ initialDelay: 100, maxDelay: 3_000 })),
    });
    // A request that may change something is repeated only when it was not processed: the
    // connection was refused, or the service said to come back later (429 with Retry-After).
    this.refusedRetry = retry(
      handleWhen((e) => e instanceof TransientHttpError && (!e.sent || e.retryAfterMs !== undefined)),
      { maxAttempts: o.retries, backoff: new ServerDirectedBackoff(new ConstantBackoff(250)) },
    );
  }

  /** A keep-alive connection pool with the timeouts and TLS settings of `o`. */
  static agent(o: Pick<JsonHttpOptions, 'timeoutMs' | 'maxConnections' | 'insecure'>): Agent {
    return new Agent({
      connections: o.maxConnections,
      keepAliveTimeout: 30_000,
      headersTimeout: o.timeoutMs,
      bodyTimeout: o.timeoutMs,
      connect: o.insecure ? { rejectUnauthorized: false } : undefined,
    });
  }

  async request<T = unknown>(r: HttpRequest): Promise<HttpResponse<T>> {
    const policy = IDEMPOTENT.has(r.method) || r.idempotent ? this.idempotentRetry : this.refusedRetry;
    try {
      return await policy.execute(() => this.once<T>(r), r.signal);
    } catch (e) {
      if (e instanceof TransientHttpError) throw this.describe(r, e);
      throw e;
    }
  }

  private async once<T>(r: HttpRequest): Promise<HttpResponse<T>> {
    if (r.method !== 'GET' && r.method !== 'HEAD') await this.o.beforeChange?.();
    const headers: Record<string, string> = { accept: 'application/json', ...r.headers };
    let body: string | undefined;
    if (r.body !== undefined) {
      body = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
      headers['content-type'] ??= 'application/json';
    }
    let res;
    try {
      res = await request(r.url, {
        method: r.method,
        headers,
        body,
        dispatcher: this.agent,
        signal: r.signal,
      });
    } catch (e) {
      if (r.signal?.aborted) throw r.signal.reason;
      throw new TransientHttpError(e, !isRefused(e));
    }
    const text = await res.body.text();
    const parsed = parseJson(text);
    if (res.statusCode < 300 || r.expect?.includes(res.statusCode)) {
      return { status: res.statusCode, headers: res.headers, body: parsed as T };
    }
    const err = new CloudError(
      `${this.o.service}: ${r.method} ${pathOf(r.url)} returned ${res.statusCode}: ${errorMessage(parsed, text)}`,
      res.statusCode,
    );
    if (RETRY_STATUSES.has(res.statusCode)) {
      const after = res.statusCode === 429 ? retryAfterMs(res.headers['retry-after']) : undefined;
      throw new TransientHttpError(err, true, after);
    }
    throw err;
  }

  private describe(r: HttpRequest, e: TransientHttpError): Error {
    const cause = e.cause;
    if (cause instanceof CloudError) return new CloudUnavailable(cause.message, cause.httpStatus, e.retryAfterMs);
    const why =
      cause instanceof undiciErrors.HeadersTimeoutError || cause instanceof undiciErrors.BodyTimeoutError
        ? `no answer within ${this.o.timeoutMs} ms`
        : cause instanceof Error
          ? ((cause as NodeJS.ErrnoException).code ?? cause.message)
          : String(cause);
    return new CloudUnavailable(`${this.o.service}: ${r.method} ${pathOf(r.url)} failed: ${why}`);
  }

  async close(): Promise<void> {
    if (this.ownsAgent) await this.agent.close();
  }
}

function isRefused(e: unknown): boolean {
  const code =
    (e as { code?: string; cause?: { code?: string } })?.code ?? (e as { cause?: { code?: string } })?.cause?.code;
  return code === 'ECONNREFUSED' || code === 'UND_ERR_CONNECT_TIMEOUT';
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The path of a URL, without its query, which may name things we should not echo. */
const pathOf = (url: string): string => {
  try {
    return new URL(url).pathname;
  } catch {
    return '?';
  }
};

/** The longest stretch of a cloud's error message quoted in Grove's errors (and so in status_reason). */
export const QUOTE_MAX = 300;

/**
 * A cloud's words as Grove may quote them: markup and control characters out (an HTML error page,
 * a terminal escape, a forged line break in a log), spaces collapsed, at most QUOTE_MAX characters.
 */
export function cleanQuote(text: string): string {
  const plain = text
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > QUOTE_MAX ? `${plain.slice(0, QUOTE_MAX - 1)}…` : plain;
}

/**
 * The message in an error body, whichever OpenStack or Docker dialect it is in:
 * `{"badRequest": {"message"}}` (Nova), `{"error": {"message"}}` (Keystone, Heat),
 * `{"NeutronError": {"message"}}`, `{"message": …}` (Docker, Glance), `{"faultstring": …}` (Octavia);
 * cleaned and cut (cleanQuote).
 */
export function errorMessage(body: unknown, fallback = ''): string {
  return cleanQuote(rawMessage(body) ?? fallback) || 'no message';
}

function rawMessage(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  if (typeof b.message === 'string') return b.message;
  if (typeof b.faultstring === 'string') return b.faultstring;
  for (const v of Object.values(b)) {
    if (v && typeof v === 'object' && typeof (v as Record<string, unknown>).message === 'string') {
      return (v as { message: string }).message;
    }
  }
  if (typeof b.explanation === 'string') return b.explanation;
  return undefined;
}
