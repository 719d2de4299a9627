import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Response } from 'express';
import { serviceKnobs, type FailureKind } from '../store/knobs';
import type { SimulatorStore } from '../store/simulator-store';
import { ApiError, type ServiceName } from './api-error';
import { defaultFailureMessage, errorBody } from './error-body';
import type { SimRequest } from './sim-request';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * The latency and failure knobs, as a global guard: it runs once the route is known (so the
 * request is counted under its route) and before any other guard or handler. It waits the
 * configured latency, then lets the request fail when a fail-next rule or the failure rate says
 * so — in the service's own error format. Admin requests pass untouched.
 */
@Injectable()
export class FaultInjectionGuard implements CanActivate {
  constructor(private readonly store: SimulatorStore) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<SimRequest>();
    const service = req.simService;
    if (!service || service === 'admin') return true;
    const k = serviceKnobs(this.store.knobs, service);
    const delay = k.latency_ms + (k.latency_jitter_ms > 0 ? Math.random() * k.latency_jitter_ms : 0);
    if (delay > 0) await sleep(delay);
    const rule = this.store.failNext.take(req.method, req.path);
    if (rule && !rule.after_effect) {
      this.store.stats.recordInjectedFailure();
      throw new ApiError(rule.status, rule.message ?? defaultFailureMessage(rule.status));
    }
    if (rule) {
      replaceReply(ctx.switchToHttp().getResponse<Response>(), service, rule.status, rule.message, this.store);
    } else if (k.failure_rate > 0 && Math.random() < k.failure_rate) {
      this.store.stats.recordInjectedFailure();
      const kinds = this.store.knobs.failure_kinds;
      await fail(ctx.switchToHttp().getResponse<Response>(), kinds[Math.floor(Math.random() * kinds.length)]);
    }
    return true;
  }
}

/** The longest a 'timeout' failure holds a request whose client has not given up. */
const HANG_MAX_MS = 60_000;

/** Fails the request in the given way; throws, except for a hang, which never lets the request through. */
async function fail(res: Response, kind: FailureKind): Promise<never> {
  if (kind === 'timeout') {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, HANG_MAX_MS).unref();
      res.once('close', () => {
        clearTimeout(t);
        resolve();
      });
    });
    res.socket?.destroy();
    // Nothing reaches the client any more; the filter sees headers unsent and a dead socket.
    throw new ApiError(504, defaultFailureMessage(504));
  }
  const status = Number(kind);
  if (status === 429) res.setHeader('retry-after', '1');
  throw new ApiError(status, defaultFailureMessage(status));
}

/**
 * Lets the request run but swaps whatever it answers for the error, as if the real reply had
 * been lost on the way back: the resource exists, the client was told it failed.
 */
function replaceReply(
  res: Response,
  service: ServiceName,
  status: number,
  message: string | null,
  store: SimulatorStore,
): void {
  const end = res.end.bind(res) as (chunk?: unknown, ...rest: unknown[]) => Response;
  (res as { end: unknown }).end = (...args: unknown[]) => {
    if (res.headersSent) return end(...(args as [unknown]));
    store.stats.recordInjectedFailure();
    for (const h of res.getHeaderNames()) if (h !== 'x-openstack-request-id') res.removeHeader(h);
    const body = JSON.stringify(errorBody(service, status, message ?? defaultFailureMessage(status)));
    res.statusCode = status;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.setHeader('content-length', Buffer.byteLength(body));
    return end(body);
  };
}
