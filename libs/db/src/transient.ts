import { ExponentialBackoff, handleWhen, retry, type RetryPolicy } from 'cockatiel';

/**
 * Postgres error classes and codes that say nothing about the statement itself: the connection went
 * (class 08, an administrator's or a crash's shutdown), the server refused for now, or the statement
 * lost a race it may win next time (serialization, deadlock, a lock or statement timeout, an idle
 * transaction ended by its timeout).
 */
const TRANSIENT_CODES = new Set(['57P01', '57P02', '57P03', '40001', '40P01', '55P03', '57014', '25P03', '53300']);

/** node-postgres's and pg-pool's own words for a connection that failed or never came. */
const TRANSIENT_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /terminating connection/i,
  /Client has encountered a connection error/i,
  /Connection ended unexpectedly/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
];

const TRANSIENT_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTCONN']);

/** TypeORM's errors once its connection was lost under a query runner. */
const TRANSIENT_NAMES = new Set(['QueryRunnerAlreadyReleasedError', 'QueryRunnerProviderAlreadyReleasedError']);

/** Whether a database error may well not happen again: retry it, do not fail the action for it. */
export function isTransientDbError(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur && depth < 4; depth++) {
    const err = cur as { code?: unknown; message?: unknown; name?: unknown; driverError?: unknown; cause?: unknown };
    if (typeof err.name === 'string' && TRANSIENT_NAMES.has(err.name)) return true;
    if (typeof err.code === 'string' && (TRANSIENT_CODES.has(err.code) || err.code.startsWith('08'))) return true;
    if (typeof err.code === 'string' && TRANSIENT_ERRNOS.has(err.code)) return true;
    if (typeof err.message === 'string' && TRANSIENT_MESSAGES.some((r) => r.test(err.message as string))) return true;
    cur = err.driverError ?? err.cause;
  }
  return false;
}

/**
 * Tries a database write again on transient errors, with growing pauses, for about half a minute:
 * long enough for a Postgres restart or a failover, short enough that a dead database ends in an
 * error the caller can leave to recovery.
 */
export const retryTransientDb: RetryPolicy = retry(
  handleWhen((e) => isTransientDbError(e)),
  { maxAttempts: 8, backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 8_000 }) },
);
