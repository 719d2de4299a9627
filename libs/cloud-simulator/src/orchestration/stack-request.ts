import { ApiError, badRequest } from '../http/api-error';
import type { TemplateDocuments } from '../store/simulator-store';
import { RESOURCE_TYPES } from './resource-types';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A stack create or update body, checked (Heat's InstantiationData). */
export interface StackInput {
  name: string | null;
  /** Undefined when an update (PATCH) keeps the current template. */
  template: unknown;
  files: Json;
  environment: StackEnvironment;
  parameters: Json;
  clearParameters: string[];
  tags: string[] | undefined;
  timeoutMins: number | null | undefined;
  disableRollback: boolean | undefined;
}

export interface StackEnvironment {
  parameters: Json;
  parameterDefaults: Json;
  /** Type aliases from resource_registry (`My::Server: OS::Nova::Server`). */
  aliases: Record<string, string>;
  raw: Json;
}

const ENV_SECTIONS = [
  'parameters',
  'parameter_defaults',
  'resource_registry',
  'event_sinks',
  'encrypted_param_names',
  'parameter_merge_strategies',
];
const STACK_NAME = /^[a-zA-Z][a-zA-Z0-9_.-]{0,254}$/;

export const httpBadRequest = (message: string) => new ApiError(400, message, 'HTTPBadRequest');

/**
 * `template_url` can only be read when it is one of the simulator's own `/admin/templates/{name}`
 * documents: the simulator fetches nothing from elsewhere.
 */
function templateFromUrl(url: unknown, templates: TemplateDocuments): unknown {
  const m = typeof url === 'string' ? /\/admin\/templates\/([^/?#]+)/.exec(url) : null;
  const doc = m ? templates.get(decodeURIComponent(m[1])) : undefined;
  if (doc === undefined)
    throw httpBadRequest(`Could not retrieve template: Failed to retrieve template: ${String(url)}`);
  return doc;
}

function parseEnvironment(raw: unknown): StackEnvironment {
  let env = raw ?? {};
  if (typeof env === 'string') {
    try {
      env = JSON.parse(env);
    } catch {
      throw httpBadRequest('The environment is not a valid JSON document (the simulator does not read YAML text)');
    }
  }
  if (!isObject(env)) throw httpBadRequest('The environment is not a valid YAML mapping data type.');
  for (const key of Object.keys(env))
    if (!ENV_SECTIONS.includes(key))
      throw badRequest(`environment has wrong section "${key}"`, 'InvalidEnvironmentSection');
  const aliases: Record<string, string> = {};
  const registry = env.resource_registry;
  if (registry !== undefined) {
    if (!isObject(registry)) throw httpBadRequest('resource_registry must be a map');
    for (const [from, to] of Object.entries(registry)) {
      if (from === 'resources' || typeof to !== 'string') continue;
      if (!Object.hasOwn(RESOURCE_TYPES, to) && !Object.hasOwn(registry, to)) {
        throw new ApiError(
          400,
          `The simulator does not support template resources: resource_registry maps ${from} to ${to}`,
          'NotSupported',
        );
      }
      aliases[from] = to;
    }
  }
  return {
    parameters: isObject(env.parameters) ? env.parameters : {},
    parameterDefaults: isObject(env.parameter_defaults) ? env.parameter_defaults : {},
    aliases,
    raw: env,
  };
}

/** `tags` as a comma-separated string or a list. */
function parseTags(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string')
    return v === ''
      ? []
      : v
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean);
  if (Array.isArray(v) && v.every((t) => typeof t === 'string')) return v as string[];
  throw httpBadRequest('Invalid tags, not a list or a comma-separated string');
}

const boolParam = (name: string, v: unknown): boolean | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  if (['true', 'false'].includes(String(v).toLowerCase())) return String(v).toLowerCase() === 'true';
  throw httpBadRequest(`Unrecognized value "${String(v)}" for "${name}", acceptable values are: true, false`);
};

/**
 * Checks a stack create or update body. A create needs a name and a template (or template_url);
 * an update (`keepTemplate`) may leave the template out to keep the current one.
 */
export function parseStackInput(
  body: unknown,
  templates: TemplateDocuments,
  o: { create: boolean; keepTemplate: boolean },
): StackInput {
  if (!isObject(body)) throw httpBadRequest('The request body must be a JSON object');
  let name: string | null = null;
  if (o.create) {
    if (body.stack_name === undefined || body.stack_name === '') throw httpBadRequest('No stack name specified');
    if (typeof body.stack_name !== 'string' || !STACK_NAME.test(body.stack_name)) {
      throw new ApiError(
        400,
        `Invalid stack name ${String(body.stack_name)} must contain only alphanumeric or "_-." characters, must start with alpha and must be 255 characters or less.`,
        'StackValidationFailed',
      );
    }
    name = body.stack_name;
  }
  let template: unknown;
  if (body.template !== undefined && body.template !== null) template = body.template;
  else if (body.template_url !== undefined && body.template_url !== null)
    template = templateFromUrl(body.template_url, templates);
  else if (!o.keepTemplate) throw httpBadRequest('No template specified');

  if (body.parameters !== undefined && body.parameters !== null && !isObject(body.parameters))
    throw httpBadRequest('The parameters must be a map');
  if (body.files !== undefined && body.files !== null && !isObject(body.files))
    throw httpBadRequest('The files must be a map');
  let timeoutMins: number | null | undefined;
  if (body.timeout_mins !== undefined && body.timeout_mins !== null) {
    const n = Number(body.timeout_mins);
    if (!Number.isInteger(n)) throw httpBadRequest(`Only integer is acceptable by 'timeout_mins'.`);
    if (n < 1) throw httpBadRequest(`Invalid timeout value ${n}`);
    timeoutMins = n;
  }
  const clear = body.clear_parameters;
  if (clear !== undefined && (!Array.isArray(clear) || !clear.every((c) => typeof c === 'string')))
    throw httpBadRequest('clear_parameters must be a list of parameter names');
  return {
    name,
    template,
    files: (body.files as Json | undefined) ?? {},
    environment: parseEnvironment(body.environment),
    parameters: (body.parameters as Json | undefined) ?? {},
    clearParameters: (clear as string[] | undefined) ?? [],
    tags: parseTags(body.tags),
    timeoutMins,
    disableRollback: boolParam('disable_rollback', body.disable_rollback),
  };
}
