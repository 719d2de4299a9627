import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { plainToInstance, Transform } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { ConfigError } from '../errors/config-error';
import { Secret } from '../secret';

/**
 * Reads one config class from the environment, once, at start-up. Unknown variables are ignored;
 * every bad or missing setting is reported together in one ConfigError.
 *
 * `groups: ['split']` is passed by the separately started apps, which need DATABASE_URL and AMQP_URL;
 * all-in-one mode leaves them out and embeds what is missing.
 */
export function loadConfig<T extends object>(
  cls: new () => T,
  opts: { env?: NodeJS.ProcessEnv; groups?: string[] } = {},
): T {
  const { env, problems: fileProblems } = withFiles(cls, opts.env ?? process.env);
  const cfg = plainToInstance(cls, env, { excludeExtraneousValues: true, exposeDefaultValues: true });
  const problems = [
    ...fileProblems,
    ...flatten(validateSync(cfg, { groups: opts.groups, forbidUnknownValues: false })),
  ];
  if (problems.length) throw new ConfigError(problems);
  return cfg;
}

/**
 * Settings given as files, as Docker and Kubernetes mount secrets: `X_FILE=/run/secrets/x` sets
 * X to that file's content (one trailing newline dropped), for every setting X the class has.
 * Setting both is a mistake worth naming; so is a file that cannot be read (its path is named,
 * never its content).
 */
function withFiles(cls: new () => object, given: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; problems: string[] } {
  const env = { ...given };
  const problems: string[] = [];
  const settings = Object.keys(plainToInstance(cls, {}, { excludeExtraneousValues: true }));
  for (const key of settings) {
    const path = given[`${key}_FILE`];
    if (!path) continue;
    if (given[key] !== undefined && given[key] !== '') {
      problems.push(`${key} and ${key}_FILE: set one of them, not both`);
      continue;
    }
    try {
      env[key] = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      problems.push(`${key}_FILE: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  return { env, problems };
}

/** A value as a config error may show it: a URL's password (DATABASE_URL, AMQP_URL) is masked. */
function shown(value: unknown): string {
  return String(value).replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#:@]*):[^/?#@]*@/i, '$1:***@');
}

/** The constraint worth reading first: a missing value, then a wrong type or format, then a range. */
const PRIORITY = [
  'isDefined',
  'isInt',
  'isBoolean',
  'isIn',
  'matches',
  'isString',
  'isInstance',
  'arrayNotEmpty',
  'min',
  'max',
];

/** One line per bad setting, naming it, saying what is wrong and what was given (never a secret). */
function flatten(errors: ValidationError[]): string[] {
  return errors.map((e) => {
    const constraints = e.constraints ?? {};
    const key = PRIORITY.find((k) => k in constraints) ?? Object.keys(constraints)[0];
    const msg = (constraints[key] ?? 'is invalid').replace(new RegExp(`^${e.property} `), '');
    const given = e.value instanceof Secret || e.value === undefined ? '' : ` (got '${shown(e.value)}')`;
    return `${e.property}: ${key === 'isDefined' ? 'must be set' : msg}${given}`;
  });
}

/** Env strings to numbers; an empty string counts as unset so that defaults apply. */
export const ToNumber = () =>
  Transform(({ value, obj, key }) => {
    const raw = obj[key] as unknown;
    if (raw === undefined || raw === '') return value;
    return typeof raw === 'string' && raw.trim() !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
  });

/** Env strings to booleans, accepting the spellings oslo accepts. */
export const ToBoolean = () =>
  Transform(({ value, obj, key }) => {
    const raw = obj[key] as unknown;
    if (raw === undefined || raw === '') return value;
    const s = String(raw).toLowerCase();
    if (['1', 't', 'true', 'y', 'yes', 'on'].includes(s)) return true;
    if (['0', 'f', 'false', 'n', 'no', 'off'].includes(s)) return false;
    return raw;
  });

/** Wraps a credential so it cannot be printed by accident. */
export const ToSecret = () =>
  Transform(({ obj, key, value }) => {
    const raw = obj[key] as unknown;
    if (raw === undefined || raw === '') return value instanceof Secret ? value : undefined;
    return new Secret(String(raw));
  });

/** An empty variable counts as unset. */
export const EmptyAsUnset = () =>
  Transform(({ obj, key, value }) => ((obj[key] as unknown) === '' ? undefined : value));

/** For main.ts: loads the config or prints every problem and exits 1. */
export function loadConfigOrExit<T extends object>(
  cls: new () => T,
  opts: { env?: NodeJS.ProcessEnv; groups?: string[] } = {},
): T {
  try {
    return loadConfig(cls, opts);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}
