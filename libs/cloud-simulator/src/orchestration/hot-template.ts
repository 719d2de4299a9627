import { ApiError } from '../http/api-error';

/** Heat's template versions (dates and release aliases) the simulator accepts. */
export const HOT_VERSIONS = [
  '2013-05-23',
  '2014-10-16',
  '2015-04-30',
  '2015-10-15',
  '2016-04-08',
  '2016-10-14',
  '2017-02-24',
  '2017-09-01',
  '2018-03-02',
  '2018-08-31',
  '2021-04-16',
  'newton',
  'ocata',
  'pike',
  'queens',
  'rocky',
  'wallaby',
];

const SECTIONS = [
  'heat_template_version',
  'description',
  'parameter_groups',
  'parameters',
  'resources',
  'outputs',
  'conditions',
];
const RESOURCE_KEYS = [
  'type',
  'properties',
  'metadata',
  'depends_on',
  'deletion_policy',
  'update_policy',
  'description',
  'condition',
  'external_id',
];
export const PARAMETER_TYPES = ['string', 'number', 'json', 'comma_delimited_list', 'boolean'] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

export interface ParameterDef {
  name: string;
  type: ParameterType;
  default?: unknown;
  description: string;
  label: string;
  hidden: boolean;
  constraints: Record<string, unknown>[];
}

export interface ResourceDef {
  name: string;
  type: string;
  properties: Record<string, unknown>;
  dependsOn: string[];
  metadata: Record<string, unknown>;
}

export interface OutputDef {
  name: string;
  value: unknown;
  description: string;
}

export interface HotTemplate {
  version: string;
  description: string;
  parameterGroups: unknown[];
  parameters: Map<string, ParameterDef>;
  resources: Map<string, ResourceDef>;
  outputs: Map<string, OutputDef>;
  raw: Record<string, unknown>;
}

export const validationFailed = (message: string) => new ApiError(400, message, 'StackValidationFailed');

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A template as the API received it (a map, or a JSON string) checked section by section with
 * Heat's messages. YAML text is not read: the simulator has no YAML parser.
 */
export function parseTemplate(input: unknown): HotTemplate {
  let raw = input;
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch {
      throw new ApiError(
        400,
        'Error parsing template: the simulator reads templates given as JSON objects or JSON text, not YAML text',
        'HTTPBadRequest',
      );
    }
  }
  if (!isObject(raw)) throw new ApiError(400, 'The template is not a JSON object or YAML mapping.', 'HTTPBadRequest');

  const version = raw.heat_template_version;
  if (version === undefined) {
    if ('AWSTemplateFormatVersion' in raw || 'HeatTemplateFormatVersion' in raw) {
      throw new ApiError(
        400,
        'The template version is invalid: CFN templates are not supported by the simulator; use heat_template_version',
        'InvalidTemplateVersion',
      );
    }
    throw new ApiError(
      400,
      'The template version is invalid: Template version was not provided',
      'InvalidTemplateVersion',
    );
  }
  const v = version instanceof Date ? version.toISOString().slice(0, 10) : String(version);
  if (!HOT_VERSIONS.includes(v)) {
    throw new ApiError(
      400,
      `The template version is invalid: "heat_template_version: ${v}". "heat_template_version" should be one of: ${HOT_VERSIONS.join(', ')}`,
      'InvalidTemplateVersion',
    );
  }
  for (const key of Object.keys(raw)) {
    if (!SECTIONS.includes(key))
      throw new ApiError(400, `The template section is invalid: ${key}`, 'InvalidTemplateSection');
  }

  return {
    version: v,
    description: typeof raw.description === 'string' ? raw.description : 'No description',
    parameterGroups: Array.isArray(raw.parameter_groups) ? raw.parameter_groups : [],
    parameters: parseParameters(raw.parameters),
    resources: parseResources(raw.resources),
    outputs: parseOutputs(raw.outputs),
    raw,
  };
}

function parseParameters(section: unknown): Map<string, ParameterDef> {
  const out = new Map<string, ParameterDef>();
  if (section === undefined || section === null) return out;
  if (!isObject(section)) throw validationFailed('The "parameters" section must be a map.');
  for (const [name, def] of Object.entries(section)) {
    if (!isObject(def)) throw validationFailed(`Parameter ${name}: the definition must be a map.`);
    if (def.type === undefined) throw validationFailed(`Missing parameter type for parameter: ${name}`);
    if (!(PARAMETER_TYPES as readonly string[]).includes(String(def.type)))
      throw validationFailed(`Invalid type (${String(def.type)})`);
    const constraints = def.constraints === undefined ? [] : def.constraints;
    if (!Array.isArray(constraints) || !constraints.every(isObject))
      throw validationFailed(`Invalid parameter constraints for parameter ${name}, expected a list`);
    out.set(name, {
      name,
      type: def.type as ParameterType,
      default: def.default,
      description: typeof def.description === 'string' ? def.description : '',
      label: typeof def.label === 'string' ? def.label : name,
      hidden: def.hidden === true || def.hidden === 'true',
      constraints,
    });
  }
  return out;
}

function parseResources(section: unknown): Map<string, ResourceDef> {
  const out = new Map<string, ResourceDef>();
  if (section === undefined || section === null) return out;
  if (!isObject(section)) throw validationFailed('The "resources" section must be a map.');
  for (const [name, def] of Object.entries(section)) {
    if (!isObject(def)) throw validationFailed(`Resource ${name} definition must be a map.`);
    for (const key of Object.keys(def)) {
      if (!RESOURCE_KEYS.includes(key))
        throw validationFailed(`"${key}" is not a valid keyword inside a resource definition`);
    }
    if (typeof def.type !== 'string' || def.type === '') throw validationFailed(`Resource ${name} is missing "type"`);
    if (def.properties !== undefined && def.properties !== null && !isObject(def.properties)) {
      throw validationFailed(`"properties" for resource ${name} must be a map`);
    }
    const deps =
      def.depends_on === undefined || def.depends_on === null
        ? []
        : Array.isArray(def.depends_on)
          ? def.depends_on
          : [def.depends_on];
    if (!deps.every((d) => typeof d === 'string'))
      throw validationFailed(`Resource ${name} depends_on must be a resource name or a list of them`);
    out.set(name, {
      name,
      type: def.type,
      properties: (def.properties as Json | undefined) ?? {},
      dependsOn: deps as string[],
      metadata: isObject(def.metadata) ? def.metadata : {},
    });
  }
  return out;
}

function parseOutputs(section: unknown): Map<string, OutputDef> {
  const out = new Map<string, OutputDef>();
  if (section === undefined || section === null) return out;
  if (!isObject(section)) throw validationFailed('The "outputs" section must be a map.');
  for (const [name, def] of Object.entries(section)) {
    if (!isObject(def) || !('value' in def))
      throw validationFailed(`Each output definition must contain a value key. Output ${name} does not.`);
    out.set(name, {
      name,
      value: def.value,
      description: typeof def.description === 'string' ? def.description : 'No description given',
    });
  }
  return out;
}

const TRUE = ['1', 't', 'true', 'on', 'y', 'yes'];
const FALSE = ['0', 'f', 'false', 'off', 'n', 'no'];

/** A parameter value converted to its declared type, or Heat's complaint. */
export function convertParameter(def: ParameterDef, value: unknown): unknown {
  const invalid = (why: string) => validationFailed(`Parameter '${def.name}' is invalid: ${why}`);
  let out: unknown;
  switch (def.type) {
    case 'string':
      if (typeof value === 'object' && value !== null)
        throw invalid(`Value must be a string; got ${JSON.stringify(value)}`);
      out = String(value);
      break;
    case 'number': {
      const n =
        typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isFinite(n))
        throw invalid(`Value must be a number: could not convert string to float: '${String(value)}'`);
      out = n;
      break;
    }
    case 'boolean': {
      if (typeof value === 'boolean') out = value;
      else if (TRUE.includes(String(value).toLowerCase())) out = true;
      else if (FALSE.includes(String(value).toLowerCase())) out = false;
      else
        throw invalid(
          `Unrecognized value '${String(value)}', acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'`,
        );
      break;
    }
    case 'comma_delimited_list':
      if (Array.isArray(value)) out = value.map(String);
      else if (typeof value === 'string') out = value === '' ? [] : value.split(',').map((s) => s.trim());
      else throw invalid(`Value must be a comma-delimited list string: ${JSON.stringify(value)}`);
      break;
    case 'json':
      if (typeof value === 'string') {
        try {
          out = JSON.parse(value);
        } catch {
          throw invalid(`Value must be valid JSON: ${value}`);
        }
      } else if (typeof value === 'object' && value !== null) out = value;
      else throw invalid(`Value must be valid JSON: ${String(value)}`);
      break;
  }
  for (const c of def.constraints) checkConstraint(def, c, out, invalid);
  return out;
}

function checkConstraint(
  def: ParameterDef,
  c: Record<string, unknown>,
  value: unknown,
  invalid: (why: string) => ApiError,
): void {
  const described = typeof c.description === 'string' ? c.description : null;
  if (Array.isArray(c.allowed_values)) {
    const allowed = c.allowed_values.map(String);
    const ok = Array.isArray(value) ? value.every((v) => allowed.includes(String(v))) : allowed.includes(String(value));
    if (!ok) throw invalid(described ?? `"${String(value)}" is not an allowed value [${allowed.join(', ')}]`);
  }
  const bounds = (isObject(c.range) ? c.range : isObject(c.length) ? c.length : null) as {
    min?: number;
    max?: number;
  } | null;
  if (bounds) {
    const n = isObject(c.range)
      ? Number(value)
      : Array.isArray(value)
        ? value.length
        : typeof value === 'string'
          ? value.length
          : Object.keys(value as object).length;
    const what = isObject(c.range) ? 'value' : 'length';
    if ((bounds.min !== undefined && n < bounds.min) || (bounds.max !== undefined && n > bounds.max)) {
      throw invalid(
        described ?? `The ${what} (${n}) is out of range (min: ${bounds.min ?? 'None'}, max: ${bounds.max ?? 'None'}).`,
      );
    }
  }
  if (typeof c.allowed_pattern === 'string' && def.type === 'string') {
    const re = new RegExp(`^(?:${c.allowed_pattern})$`);
    if (!re.test(String(value)))
      throw invalid(described ?? `"${String(value)}" does not match pattern "${c.allowed_pattern}"`);
  }
}

/** Parameters the simulator takes from any stack, declared or not. */
export const SIMULATOR_PARAMETERS = ['simulated_wait_time'];

/**
 * Every declared parameter's value: given, else the environment's parameter_defaults, else the
 * template default. Given parameters the template does not declare are Heat's 400, except the
 * simulator's own `simulated_wait_time`.
 */
export function resolveParameters(
  t: HotTemplate,
  given: Record<string, unknown>,
  parameterDefaults: Record<string, unknown> = {},
  o: { allowMissing?: boolean } = {},
): Record<string, unknown> {
  for (const name of Object.keys(given)) {
    if (!t.parameters.has(name) && !SIMULATOR_PARAMETERS.includes(name)) {
      throw new ApiError(400, `The Parameter (${name}) was not defined in template.`, 'UnknownUserParameter');
    }
  }
  const out: Record<string, unknown> = {};
  for (const def of t.parameters.values()) {
    const value =
      def.name in given ? given[def.name] : def.name in parameterDefaults ? parameterDefaults[def.name] : def.default;
    if (value === undefined || value === null) {
      if (o.allowMissing) continue;
      throw new ApiError(400, `The Parameter (${def.name}) was not provided.`, 'UserParameterMissing');
    }
    out[def.name] = convertParameter(def, value);
  }
  return out;
}

/** Heat's wire names for parameter types, as `POST /validate` lists them. */
export const TYPE_LABELS: Record<ParameterType, string> = {
  string: 'String',
  number: 'Number',
  json: 'Json',
  comma_delimited_list: 'CommaDelimitedList',
  boolean: 'Boolean',
};
