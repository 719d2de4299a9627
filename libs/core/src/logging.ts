import pino, { type Logger } from 'pino';

export type { Logger };

/** Injection token of the process's root logger. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/**
 * Fields that may hold credentials wherever they appear in a log object. Secrets are also wrapped
 * in `Secret`, which prints as `***`; this is the second line of defence.
 */
export const REDACT_PATHS = [
  'password',
  'admin_pass',
  'adminPass',
  'token',
  'secret',
  '*.password',
  '*.admin_pass',
  '*.adminPass',
  '*.token',
  '*.secret',
  '*.*.password',
  '*.*.token',
  'req.headers["x-auth-token"]',
  'req.headers["x-subject-token"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["x-subject-token"]',
];

/** JSON logs on stdout, one line per record, with credentials removed. */
export function createRootLogger(name: string, level: string): Logger {
  return pino({
    name,
    level,
    redact: { paths: REDACT_PATHS, censor: '***' },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
