import { ApiError } from '../http/api-error';
import { validationFailed, type HotTemplate } from './hot-template';

/** What intrinsic functions read: parameters, resources' reference ids, and resources' attributes. */
export interface ResolveContext {
  param(name: string): unknown;
  resourceRef(name: string): unknown;
  attribute(resource: string, attribute: string): unknown;
}

/** Stands for a value that only exists once another resource is made (while validating). */
export const DEFERRED: unique symbol = Symbol('deferred');

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The HOT functions the simulator evaluates; any other single-key map is data. */
const FUNCTIONS = new Set([
  'get_param',
  'get_resource',
  'get_attr',
  'list_join',
  'str_replace',
  'str_split',
  'map_merge',
  'list_concat',
]);

const functionOf = (v: unknown): [string, unknown] | null => {
  if (!isObject(v)) return null;
  const keys = Object.keys(v);
  return keys.length === 1 && FUNCTIONS.has(keys[0]) ? [keys[0], v[keys[0]]] : null;
};

/** Follows `path` (keys and list indexes) into a value; null when it leads nowhere. */
function walk(value: unknown, path: unknown[]): unknown {
  let v = value;
  for (const step of path) {
    if (v === DEFERRED) return DEFERRED;
    if (Array.isArray(v)) v = v[Number(step)];
    else if (isObject(v)) v = v[String(step)];
    else return null;
    if (v === undefined) return null;
  }
  return v;
}

const asString = (v: unknown): string =>
  typeof v === 'string'
    ? v
    : v === null || v === undefined
      ? ''
      : typeof v === 'object'
        ? JSON.stringify(v)
        : String(v);

/**
 * Evaluates the intrinsic functions in a value. A value depending on something deferred is
 * DEFERRED as a whole, so validation can skip it the way Heat skips values it cannot know yet.
 */
export function resolve(value: unknown, ctx: ResolveContext): unknown {
  const fn = functionOf(value);
  if (fn) return call(fn[0], fn[1], ctx);
  if (Array.isArray(value)) return value.map((v) => resolve(v, ctx));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, ctx)]));
  return value;
}

function call(name: string, rawArgs: unknown, ctx: ResolveContext): unknown {
  switch (name) {
    case 'get_param': {
      const args = Array.isArray(rawArgs) ? rawArgs.map((a) => resolve(a, ctx)) : [resolve(rawArgs, ctx)];
      if (args.some((a) => a === DEFERRED)) return DEFERRED;
      return walk(ctx.param(String(args[0])), args.slice(1));
    }
    case 'get_resource':
      return ctx.resourceRef(String(rawArgs));
    case 'get_attr': {
      if (!Array.isArray(rawArgs) || rawArgs.length < 2)
        throw validationFailed(`Arguments to "get_attr" must be of the form [resource_name, attribute, (path), ...]`);
      const args = rawArgs.map((a) => resolve(a, ctx));
      if (args.some((a) => a === DEFERRED)) return DEFERRED;
      return walk(ctx.attribute(String(args[0]), String(args[1])), args.slice(2));
    }
    case 'list_join': {
      const args = resolve(rawArgs, ctx);
      if (!Array.isArray(args) || args.length < 2 || typeof args[0] !== 'string')
        throw validationFailed('Incorrect arguments to "list_join" should be: ["delimiter", [list, ...]]');
      const lists = args.slice(1);
      if (lists.some((l) => l === DEFERRED || (Array.isArray(l) && l.includes(DEFERRED)))) return DEFERRED;
      return lists
        .flatMap((l) => (Array.isArray(l) ? l : []))
        .map(asString)
        .join(args[0]);
    }
    case 'str_replace': {
      if (!isObject(rawArgs) || !('template' in rawArgs) || !isObject(rawArgs.params)) {
        throw validationFailed('Arguments to "str_replace" must be a map with "template" and "params"');
      }
      const template = resolve(rawArgs.template, ctx);
      const params = resolve(rawArgs.params, ctx) as Json;
      if (template === DEFERRED || Object.values(params).includes(DEFERRED)) return DEFERRED;
      let out = asString(template);
      // Longest keys first, as Heat does, so `$var` does not eat `$var_long`.
      for (const key of Object.keys(params).sort((a, b) => b.length - a.length))
        out = out.split(key).join(asString(params[key]));
      return out;
    }
    case 'str_split': {
      const args = resolve(rawArgs, ctx);
      if (!Array.isArray(args) || args.length < 2)
        throw validationFailed('Incorrect arguments to "str_split" should be: [delimiter, string, (index)]');
      if (args.includes(DEFERRED)) return DEFERRED;
      const parts = asString(args[1]).split(asString(args[0]));
      return args.length > 2 ? (parts[Number(args[2])] ?? null) : parts;
    }
    case 'map_merge': {
      const args = resolve(rawArgs, ctx);
      if (!Array.isArray(args)) throw validationFailed('Incorrect arguments to "map_merge" should be a list of maps');
      if (args.includes(DEFERRED)) return DEFERRED;
      return Object.assign({}, ...args.filter(isObject));
    }
    case 'list_concat': {
      const args = resolve(rawArgs, ctx);
      if (!Array.isArray(args))
        throw validationFailed('Incorrect arguments to "list_concat" should be a list of lists');
      if (args.includes(DEFERRED)) return DEFERRED;
      return args.flatMap((l) => (Array.isArray(l) ? l : []));
    }
    default:
      return null;
  }
}

/** The resources a value refers to through get_resource and get_attr. */
export function references(value: unknown, out = new Set<string>()): Set<string> {
  const fn = functionOf(value);
  if (fn?.[0] === 'get_resource' && typeof fn[1] === 'string') out.add(fn[1]);
  else if (fn?.[0] === 'get_attr' && Array.isArray(fn[1]) && typeof fn[1][0] === 'string') {
    out.add(fn[1][0]);
    fn[1].slice(1).forEach((a) => references(a, out));
  } else if (Array.isArray(value)) value.forEach((v) => references(v, out));
  else if (isObject(value)) Object.values(value).forEach((v) => references(v, out));
  return out;
}

/** Every `[resource, attribute, path]` a value at `path` reads through get_attr. */
export function attributeReferences(
  value: unknown,
  out: [string, string, string][] = [],
  path = '',
): [string, string, string][] {
  const fn = functionOf(value);
  if (fn?.[0] === 'get_attr' && Array.isArray(fn[1]) && typeof fn[1][0] === 'string' && typeof fn[1][1] === 'string') {
    // The third element is where, as Heat names it in its message: `resources.x.properties.value.get_attr`.
    out.push([fn[1][0], fn[1][1], path ? `${path}.get_attr` : 'get_attr']);
  }
  if (Array.isArray(value)) value.forEach((v, i) => attributeReferences(v, out, `${path}[${i}]`));
  else if (isObject(value))
    Object.entries(value).forEach(([k, v]) => attributeReferences(v, out, path ? `${path}.${k}` : k));
  return out;
}

/** The parameters a value reads through get_param. */
export function parameterReferences(value: unknown, out = new Set<string>()): Set<string> {
  const fn = functionOf(value);
  if (fn?.[0] === 'get_param') {
    const first = Array.isArray(fn[1]) ? fn[1][0] : fn[1];
    if (typeof first === 'string') out.add(first);
  }
  if (Array.isArray(value)) value.forEach((v) => parameterReferences(v, out));
  else if (isObject(value)) Object.values(value).forEach((v) => parameterReferences(v, out));
  return out;
}

const PSEUDO_PARAMETERS = ['OS::stack_name', 'OS::stack_id', 'OS::project_id'];

/**
 * Checks that every reference in resources and outputs names something the template defines,
 * and returns the resources in an order that makes each after what it needs (get_resource,
 * get_attr, depends_on). A cycle is Heat's CircularDependencyException.
 */
export function dependencyOrder(t: HotTemplate): string[] {
  const deps = new Map<string, Set<string>>();
  for (const r of t.resources.values()) {
    const refs = references(r.properties);
    for (const d of r.dependsOn) refs.add(d);
    for (const ref of refs) {
      if (!t.resources.has(ref)) {
        throw new ApiError(
          400,
          `The specified reference "${ref}" (in ${r.name}) is incorrect.`,
          'InvalidTemplateReference',
        );
      }
    }
    for (const p of parameterReferences(r.properties)) {
      if (!t.parameters.has(p) && !PSEUDO_PARAMETERS.includes(p))
        throw new ApiError(400, `The Parameter (${p}) was not provided.`, 'UserParameterMissing');
    }
    refs.delete(r.name);
    deps.set(r.name, refs);
  }
  for (const o of t.outputs.values()) {
    for (const ref of references(o.value)) {
      if (!t.resources.has(ref))
        throw new ApiError(
          400,
          `The specified reference "${ref}" (in unknown) is incorrect.`,
          'InvalidTemplateReference',
        );
    }
  }
  const order: string[] = [];
  const remaining = new Map([...deps].map(([k, v]) => [k, new Set(v)]));
  while (remaining.size) {
    const ready = [...remaining].filter(([, d]) => d.size === 0).map(([k]) => k);
    if (ready.length === 0) {
      throw new ApiError(
        400,
        `Circular Dependency Found: ${[...remaining.keys()].join(', ')}`,
        'CircularDependencyException',
      );
    }
    for (const name of ready) {
      order.push(name);
      remaining.delete(name);
      for (const d of remaining.values()) d.delete(name);
    }
  }
  return order;
}
