import pino, { type DestinationStream, type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';

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

/** LOG_FORMAT: `auto` is readable lines on a terminal and JSON lines otherwise. */
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** JSON for machines (a pipe, a file, a log collector), readable lines for a person at a terminal. */
export function resolveLogFormat(format: LogFormat, stdoutIsTTY: boolean): 'json' | 'pretty' {
  if (format === 'auto') return stdoutIsTTY ? 'pretty' : 'json';
  return format;
}

export interface RootLoggerOptions {
  level: string;
  format?: LogFormat;
  /** Where lines go; stdout when absent. */
  destination?: { write(line: string): unknown };
  /** Whether that destination is a terminal; stdout's own answer when absent. */
  isTTY?: boolean;
}

/**
 * The process's logger: one record per line on stdout with credentials removed (redaction happens
 * before either format is written), as JSON or as readable lines (see LOG_FORMAT).
 */
export function createRootLogger(name: string, o: RootLoggerOptions): Logger {
  const isTTY = o.isTTY ?? (o.destination ? false : process.stdout.isTTY === true);
  const out = o.destination ?? pino.destination({ dest: 1, sync: true });
  const format = resolveLogFormat(o.format ?? 'auto', isTTY);
  return pino(
    {
      name,
      level: o.level,
      redact: { paths: REDACT_PATHS, censor: '***' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    (format === 'pretty' ? prettyLines(out, isTTY && !process.env.NO_COLOR) : out) as DestinationStream,
  );
}

/**
 * The record that ends a process's start-up. On a terminal it is printed as its bare message (so the
 * last line a newcomer sees is "Grove is ready on http://…"); in JSON it is an ordinary record
 * carrying `ready: true`.
 */
export function logReady(log: Logger, message: string, fields: Record<string, unknown> = {}): void {
  log.info({ ...fields, ready: true }, message);
}

/** Readable lines (pino-pretty's), one per record; a `ready` record is its bare message. */
function prettyLines(out: { write(line: string): unknown }, colorize: boolean): DestinationStream {
  const pretty = prettyFactory({
    colorize,
    translateTime: 'SYS:HH:MM:ss.l',
    // Where a line comes from before what it says; the rest of the record follows as JSON.
    messageFormat: '{if component}{component}: {end}{if context}{context}: {end}{msg}',
    ignore: 'pid,hostname,name,component,context',
    singleLine: true,
  });
  return {
    write(line: string) {
      let record: { ready?: unknown; msg?: unknown };
      try {
        record = JSON.parse(line) as typeof record;
      } catch {
        out.write(line);
        return;
      }
      out.write(record.ready === true ? `${String(record.msg)}\n` : pretty(record));
    },
  };
}
