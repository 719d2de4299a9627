import { GroveError, InternalError, rebuildError, type ErrorStatus } from '@grove/core';
import type { RpcReply } from './bus-backend';

/**
 * Errors cross the broker as `{status, type, message}` and are rebuilt into the same GroveError
 * class on the other side, so the api renders them like local errors. Anything that is not a
 * GroveError is a bug on the serving side: only a generic message crosses, the stack goes to
 * `onBug` (the serving process's log).
 */
export function toReplyError(e: unknown, onBug?: (e: unknown) => void): RpcReply {
  if (e instanceof GroveError) return { err: e.toWire() };
  onBug?.(e);
  return { err: new InternalError('The engine failed to handle the request; see its log.').toWire() };
}

export function fromReply(reply: RpcReply): unknown {
  if ('err' in reply) {
    const { status, type, message } = reply.err;
    throw rebuildError({ status: status as ErrorStatus, type, message });
  }
  return reply.ok;
}
