import { newId } from '@grove/core';
import { beginTask, requireState, settleServer } from '../compute/server-state';
import type { RegionApi } from '../http/api-context';
import { ApiError } from '../http/api-error';
import type { RegionState } from '../store/region-state';
import { POWER, type Stack, type StackAction, type StackResource } from '../store/resources';
import type { SimulatorStore } from '../store/simulator-store';
import { parseTemplate, resolveParameters, TYPE_LABELS, validationFailed, type HotTemplate } from './hot-template';
import { attributeReferences, dependencyOrder, DEFERRED, resolve, type ResolveContext } from './intrinsics';
import { canonicalType, checkPropertyNames, resourceType, type StackScope } from './resource-types';
import type { StackInput } from './stack-request';

/**
 * How long a stack action lasts at least: the stack's `simulated_wait_time` parameter or tag (in
 * seconds) when it has one, else the knob for the action.
 */
export function stackWaitMs(stack: Pick<Stack, 'givenParameters' | 'tags'>, fallback: number): number {
  const tag = stack.tags.find((t) => t.startsWith('simulated_wait_time='));
  const raw = stack.givenParameters.simulated_wait_time ?? tag?.slice('simulated_wait_time='.length);
  const s = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(s) && s >= 0 ? s * 1000 : fallback;
}

const pseudoParameters = (stack: Pick<Stack, 'id' | 'name' | 'projectId'>): Record<string, unknown> => ({
  'OS::stack_id': stack.id,
  'OS::stack_name': stack.name,
  'OS::project_id': stack.projectId,
});

/** Intrinsic functions over a live stack: parameters, and resources as they are now. */
export function liveContext(scope: StackScope): ResolveContext {
  const { stack } = scope;
  const params = { ...stack.parameters, ...pseudoParameters(stack) };
  return {
    param: (name) => (Object.hasOwn(params, name) ? params[name] : null),
    resourceRef: (name) => {
      const res = stack.resources.get(name);
      return res ? resourceType(res.type).reference(scope, res) : null;
    },
    attribute: (name, attr) => {
      const res = stack.resources.get(name);
      return res ? resourceType(res.type).attribute(scope, res, attr) : null;
    },
  };
}

/** A template checked against the stack it would become, with the order to make its resources in. */
interface Prepared {
  template: HotTemplate;
  parameters: Record<string, unknown>;
  order: string[];
  aliases: Record<string, string>;
}

/**
 * Everything Heat checks before it accepts a create or update, with Heat's 400s: the template,
 * the parameters, references between resources, known resource types and attributes, and each
 * resource's properties as far as they can be known before anything is made.
 */
function prepare(
  store: SimulatorStore,
  api: RegionApi,
  stack: Pick<Stack, 'id' | 'name' | 'projectId'>,
  template: unknown,
  givenParameters: Record<string, unknown>,
  input: StackInput,
  o: { lenient?: boolean } = {},
): Prepared {
  const t = parseTemplate(template);
  const aliases = input.environment.aliases;
  // Template validation (POST /validate) needs no parameter values; a missing one is unknowable.
  const parameters = resolveParameters(t, givenParameters, input.environment.parameterDefaults, {
    allowMissing: o.lenient,
  });
  const order = dependencyOrder(t);
  const types = new Map([...t.resources.values()].map((r) => [r.name, resourceType(r.type, aliases)]));
  // Heat names where the reference is; a create says it with an empty second part (`path: : …`).
  const checkAttributes = (value: unknown, at: string) => {
    for (const [res, attr, path] of attributeReferences(value, [], at)) {
      const type = types.get(res);
      if (!type?.open && !type?.attributes.includes(attr))
        throw validationFailed(
          `${path}: ${o.lenient ? '' : ': '}The Referenced Attribute (${res} ${attr}) is incorrect.`,
        );
    }
  };
  const params = { ...parameters, ...pseudoParameters(stack) };
  const deferred: ResolveContext = {
    param: (n) => (Object.hasOwn(params, n) ? params[n] : DEFERRED),
    resourceRef: () => DEFERRED,
    attribute: () => DEFERRED,
  };
  const scope: StackScope = { store, api, stack: stack as Stack, now: Date.now() };
  for (const r of t.resources.values()) {
    checkAttributes(r.properties, `resources.${r.name}.properties`);
    const type = types.get(r.name)!;
    // POST /validate checks property names only; values wait for a create.
    if (o.lenient) checkPropertyNames(r.name, type, r.properties);
    else type.validate(scope, r.name, resolve(r.properties, deferred) as Record<string, unknown>);
  }
  for (const out of t.outputs.values()) checkAttributes(out.value, `outputs.${out.name}.value`);
  return { template: t, parameters, order, aliases };
}

/** `POST /validate`: the template checked as for a create, without parameter values; Heat's summary of it. */
export function validateTemplate(store: SimulatorStore, api: RegionApi, input: StackInput): Record<string, unknown> {
  let p: Prepared;
  try {
    p = prepare(
      store,
      api,
      { id: 'None', name: 'validate', projectId: api.caller.project.id },
      input.template,
      givenParametersOf(input),
      input,
      { lenient: true },
    );
  } catch (e) {
    // Heat's validate answers a failed validation as a plain HTTPBadRequest.
    if (e instanceof ApiError && e.type === 'StackValidationFailed')
      throw new ApiError(400, e.message, 'HTTPBadRequest');
    throw e;
  }
  const parameters: Record<string, unknown> = {};
  for (const def of p.template.parameters.values()) {
    const entry: Record<string, unknown> = {
      Type: TYPE_LABELS[def.type],
      Description: def.description,
      Label: def.label,
      NoEcho: def.hidden ? 'true' : 'false',
    };
    if (def.default !== undefined) entry.Default = def.default;
    for (const c of def.constraints) {
      if (Array.isArray(c.allowed_values)) entry.AllowedValues = c.allowed_values;
      if (typeof c.allowed_pattern === 'string') entry.AllowedPattern = c.allowed_pattern;
      const range = c.range as { min?: number; max?: number } | undefined;
      if (range?.min !== undefined) entry.MinValue = range.min;
      if (range?.max !== undefined) entry.MaxValue = range.max;
      const length = c.length as { min?: number; max?: number } | undefined;
      if (length?.min !== undefined) entry.MinLength = length.min;
      if (length?.max !== undefined) entry.MaxLength = length.max;
    }
    parameters[def.name] = entry;
  }
  const out: Record<string, unknown> = {
    Description: p.template.description,
    Parameters: parameters,
    Environment: input.environment.raw,
  };
  if (p.template.parameterGroups.length) out.ParameterGroups = p.template.parameterGroups;
  return out;
}

/** `POST /stacks/preview`: what a create would make, made of nothing. */
export function previewStack(
  store: SimulatorStore,
  api: RegionApi,
  input: StackInput,
): { stack: Stack; resources: Record<string, unknown>[] } {
  const now = Date.now();
  const id = 'None';
  const given = givenParametersOf(input);
  const p = prepare(
    store,
    api,
    { id, name: input.name!, projectId: api.caller.project.id },
    input.template,
    given,
    input,
  );
  const params = { ...p.parameters, ...pseudoParameters({ id, name: input.name!, projectId: api.caller.project.id }) };
  const ctx: ResolveContext = {
    param: (n) => (Object.hasOwn(params, n) ? params[n] : null),
    resourceRef: () => null,
    attribute: () => null,
  };
  const stack: Stack = {
    id,
    name: input.name!,
    region: api.region.name,
    projectId: api.caller.project.id,
    userName: api.caller.user.name,
    action: 'CREATE',
    status: 'IN_PROGRESS',
    statusReason: '',
    actionStarted: now,
    waitUntil: now,
    failure: null,
    doomed: [],
    template: p.template.raw,
    files: input.files,
    environment: input.environment.raw,
    givenParameters: given,
    parameters: p.parameters,
    tags: input.tags ?? [],
    timeoutMins: input.timeoutMins ?? null,
    disableRollback: input.disableRollback ?? true,
    resources: new Map(),
    created: now,
    updated: null,
    deleted: null,
  };
  const resources = p.order.map((name) => {
    const def = p.template.resources.get(name)!;
    return {
      resource_name: name,
      resource_type: def.type,
      resource_identity: { stack_name: stack.name, stack_id: id, tenant: stack.projectId, path: `/resources/${name}` },
      description: '',
      properties: resolve(def.properties, ctx),
      required_by: p.order.filter((other) => p.template.resources.get(other)!.dependsOn.includes(name)),
      metadata: def.metadata,
      stack_name: stack.name,
      stack_identity: { stack_name: stack.name, stack_id: id, tenant: stack.projectId, path: '' },
      resource_action: 'INIT',
      resource_status: 'COMPLETE',
      resource_status_reason: '',
      physical_resource_id: '',
      updated_time: null,
    };
  });
  return { stack, resources };
}

/** Makes the resources in `names` (in order), each from the template's definition; stops at the first failure. */
function makeResources(scope: StackScope, p: Prepared, names: string[]): void {
  const ctx = liveContext(scope);
  for (const name of names) {
    const def = p.template.resources.get(name)!;
    const res: StackResource = {
      name,
      type: canonicalType(def.type, p.aliases),
      properties: resolve(def.properties, ctx) as Record<string, unknown>,
      physicalId: '',
      data: {},
      created: scope.now,
      updated: null,
      dependsOn: [...new Set([...def.dependsOn])],
    };
    try {
      resourceType(res.type).create(scope, res);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      scope.stack.failure = `Resource ${scope.stack.action} failed: ${e.message}`;
      return;
    }
    scope.stack.resources.set(name, res);
  }
}

const givenParametersOf = (input: StackInput): Record<string, unknown> => ({
  ...input.environment.parameters,
  ...input.parameters,
});

/** `POST /stacks`: checks everything, makes the resources, and answers before the stack is complete. */
export function createStack(store: SimulatorStore, api: RegionApi, input: StackInput): Stack {
  const name = input.name!;
  for (const s of api.region.stacks.values()) {
    if (s.name === name && s.projectId === api.caller.project.id)
      throw new ApiError(409, `The Stack (${name}) already exists.`, 'StackExists');
  }
  const now = Date.now();
  const id = newId();
  const given = givenParametersOf(input);
  const prepared = prepare(store, api, { id, name, projectId: api.caller.project.id }, input.template, given, input);
  const stack: Stack = {
    id,
    name,
    region: api.region.name,
    projectId: api.caller.project.id,
    userName: api.caller.user.name,
    action: 'CREATE',
    status: 'IN_PROGRESS',
    statusReason: 'Stack CREATE started',
    actionStarted: now,
    waitUntil: 0,
    failure: null,
    doomed: [],
    template: prepared.template.raw,
    files: input.files,
    environment: input.environment.raw,
    givenParameters: given,
    parameters: prepared.parameters,
    tags: input.tags ?? [],
    timeoutMins: input.timeoutMins ?? null,
    disableRollback: input.disableRollback ?? true,
    resources: new Map(),
    created: now,
    updated: null,
    deleted: null,
  };
  stack.waitUntil = now + stackWaitMs(stack, store.knobs.build_time_ms);
  api.region.stacks.set(id, stack);
  makeResources({ store, api, stack, now }, prepared, prepared.order);
  return stack;
}

/** Heat refuses a new action while one runs. */
function requireIdle(stack: Stack): void {
  if (stack.status === 'IN_PROGRESS') {
    throw new ApiError(
      409,
      `Stack ${stack.name} already has an action (${stack.action}) in progress.`,
      'ActionInProgress',
    );
  }
}

function begin(stack: Stack, action: StackAction, now: number, waitMs: number): void {
  stack.action = action;
  stack.status = 'IN_PROGRESS';
  stack.statusReason = `Stack ${action} started`;
  stack.actionStarted = now;
  stack.waitUntil = now + waitMs;
  stack.failure = null;
}

/**
 * `PUT` (replace) or `PATCH` (existing: keep what the body leaves out) of a stack. Resources the
 * new template drops are deleted, new ones made, changed ones updated in place or replaced.
 */
export function updateStack(
  store: SimulatorStore,
  api: RegionApi,
  stack: Stack,
  input: StackInput,
  patch: boolean,
): void {
  requireIdle(stack);
  const now = Date.now();
  const given = patch ? { ...stack.givenParameters, ...givenParametersOf(input) } : givenParametersOf(input);
  for (const name of input.clearParameters) delete given[name];
  const template = input.template ?? stack.template;
  const prepared = prepare(store, api, stack, template, given, input);
  const tags = input.tags ?? (patch ? stack.tags : []);

  stack.template = prepared.template.raw;
  stack.givenParameters = given;
  stack.parameters = prepared.parameters;
  stack.tags = tags;
  if (input.files && Object.keys(input.files).length) stack.files = input.files;
  if (Object.keys(input.environment.raw).length) stack.environment = input.environment.raw;
  if (input.timeoutMins !== undefined) stack.timeoutMins = input.timeoutMins;
  if (input.disableRollback !== undefined) stack.disableRollback = input.disableRollback;
  begin(stack, 'UPDATE', now, stackWaitMs(stack, store.knobs.build_time_ms));

  const scope: StackScope = { store, api, stack, now };
  const ctx = liveContext(scope);
  const toMake: string[] = [];
  for (const name of prepared.order) {
    const def = prepared.template.resources.get(name)!;
    const old = stack.resources.get(name);
    if (!old) {
      toMake.push(name);
      continue;
    }
    const props = resolve(def.properties, ctx) as Record<string, unknown>;
    if (old.type === canonicalType(def.type, prepared.aliases) && resourceType(old.type).update(scope, old, props))
      continue;
    retire(scope, old);
    toMake.push(name);
  }
  for (const [name, old] of stack.resources) {
    if (!prepared.template.resources.has(name)) retire(scope, old);
  }
  makeResources(scope, prepared, toMake);
}

/** Starts deleting a resource the stack no longer has; the stack finishes it when the action completes. */
function retire(scope: StackScope, res: StackResource): void {
  resourceType(res.type).delete(scope, res);
  scope.stack.resources.delete(res.name);
  scope.stack.doomed.push(res);
}

/** `DELETE /stacks/{name}/{id}`: deletes its servers, then its ports, then the stack is gone. */
export function deleteStack(store: SimulatorStore, api: RegionApi, stack: Stack): void {
  if (stack.action === 'DELETE' && stack.status === 'IN_PROGRESS') return;
  const now = Date.now();
  begin(stack, 'DELETE', now, stackWaitMs(stack, store.knobs.delete_time_ms));
  const scope: StackScope = { store, api, stack, now };
  for (const res of [...stack.resources.values()].reverse()) retire(scope, res);
}

/** `POST /stacks/{name}/{id}/actions` with check, suspend or resume. */
export function stackAction(
  store: SimulatorStore,
  api: RegionApi,
  stack: Stack,
  action: 'check' | 'suspend' | 'resume',
): void {
  requireIdle(stack);
  const now = Date.now();
  const name = action.toUpperCase() as StackAction;
  begin(stack, name, now, stackWaitMs(stack, store.knobs.action_time_ms));
  if (action === 'check') return;
  const ms = store.knobs.action_time_ms;
  for (const res of stack.resources.values()) {
    const raw = res.type === 'OS::Nova::Server' ? api.region.servers.get(res.physicalId) : undefined;
    const s = raw && settleServer(store, api.region, raw, now);
    if (!s) continue;
    try {
      if (action === 'suspend') {
        requireState('suspend', s, ['active']);
        beginTask(s, 'suspending', now, ms, {
          vmState: 'suspended',
          powerState: POWER.SUSPENDED,
          action: 'suspend',
          requestedBy: api.caller,
        });
      } else {
        requireState('resume', s, ['suspended']);
        beginTask(s, 'resuming', now, ms, {
          vmState: 'active',
          powerState: POWER.RUNNING,
          action: 'resume',
          requestedBy: api.caller,
        });
      }
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      stack.failure = `Resource ${name} failed: Error: resources.${res.name}: ${e.message}`;
    }
  }
}

/** The server status each action waits for its servers to reach. */
const TARGET: Partial<Record<StackAction, string>> = {
  CREATE: 'ACTIVE',
  UPDATE: 'ACTIVE',
  RESUME: 'ACTIVE',
  SUSPEND: 'SUSPENDED',
};

/**
 * Brings a stack up to date, like settleServer: once the action's wait has passed it completes
 * when every server reached its target, or fails with Heat's reason. Read paths call this, so
 * no timer runs. Returns null when the stack is gone (deleted).
 */
export function settleStack(store: SimulatorStore, api: RegionApi, stack: Stack, now = Date.now()): Stack | null {
  if (stack.status !== 'IN_PROGRESS') return stack;
  const scope: StackScope = { store, api, stack, now };
  const timedOut =
    stack.timeoutMins !== null && stack.timeoutMins > 0 && now > stack.actionStarted + stack.timeoutMins * 60_000;
  if (now < stack.waitUntil && !timedOut) return stack;
  const action = stack.action;

  if (action === 'DELETE') {
    if (stack.doomed.some((res) => !resourceType(res.type).gone(scope, res)) && !timedOut) return stack;
    if (timedOut) return finish(scope, 'FAILED', 'Timed out');
    for (const res of stack.doomed) resourceType(res.type).finishDelete(scope, res);
    stack.doomed = [];
    finish(scope, 'COMPLETE', 'Stack DELETE completed successfully');
    stack.deleted = now;
    api.region.buryStack(stack);
    return null;
  }

  let failure = stack.failure;
  if (!failure) {
    for (const res of stack.resources.values()) {
      const state = resourceType(res.type).state(
        scope,
        res,
        action === 'CHECK' ? checkTarget(stack) : (TARGET[action] ?? 'ACTIVE'),
      );
      if (state.status === 'FAILED') {
        failure = `Resource ${action} failed: ${state.reason ?? 'Error'}`;
        break;
      }
      if (state.status === 'IN_PROGRESS') {
        if (!timedOut) return stack;
        failure = 'Timed out';
        break;
      }
    }
  }
  if (!failure && stack.doomed.some((res) => !resourceType(res.type).gone(scope, res))) {
    if (!timedOut) return stack;
    failure = 'Timed out';
  }
  if (failure) {
    finish(scope, 'FAILED', failure);
    if (action === 'CREATE' && !stack.disableRollback) rollBack(scope);
    return stack;
  }
  for (const res of stack.doomed) resourceType(res.type).finishDelete(scope, res);
  stack.doomed = [];
  // Of the simulated types only servers have a check of their own; Heat says so of the others.
  const partial =
    action === 'CHECK' && [...stack.resources.values()].some((r) => r.type !== 'OS::Nova::Server')
      ? ". 'CHECK' not fully supported (see resources)"
      : '';
  finish(scope, 'COMPLETE', `Stack ${action} completed successfully${partial}`);
  return stack;
}

/** A check expects servers as the last suspend or resume left them. */
const checkTarget = (stack: Stack): string =>
  [...stack.resources.values()].some((r) => r.type === 'OS::Nova::Server') &&
  stack.statusReason.startsWith('Stack SUSPEND')
    ? 'SUSPENDED'
    : 'ACTIVE';

function finish(scope: StackScope, status: 'COMPLETE' | 'FAILED', reason: string): Stack {
  const { stack, now } = scope;
  stack.status = status;
  stack.statusReason = reason;
  if (stack.action !== 'CREATE' && stack.action !== 'DELETE') stack.updated = now;
  scope.store.events?.stackSettled(scope.api.region, stack, now);
  return stack;
}

/** With rollback enabled, a failed create deletes what it made and ends ROLLBACK_COMPLETE. */
function rollBack(scope: StackScope): void {
  const { stack } = scope;
  for (const res of [...stack.resources.values()].reverse()) {
    const type = resourceType(res.type);
    type.delete(scope, res);
    type.finishDelete(scope, res);
  }
  stack.resources.clear();
  stack.action = 'ROLLBACK';
  stack.status = 'COMPLETE';
  stack.statusReason = 'Stack rollback completed.';
  scope.store.events?.stackSettled(scope.api.region, stack, scope.now);
}

/** `DELETE …/abandon`: the stack's data, and the stack forgotten while its servers and ports stay. */
export function abandonStack(api: RegionApi, stack: Stack): Record<string, unknown> {
  const data = {
    id: stack.id,
    name: stack.name,
    action: stack.action,
    status: stack.status,
    template: stack.template,
    environment: stack.environment,
    files: stack.files,
    project_id: stack.projectId,
    stack_user_project_id: stack.projectId,
    tags: stack.tags,
    resources: Object.fromEntries(
      [...stack.resources.values()].map((r) => [
        r.name,
        {
          name: r.name,
          type: r.type,
          action: stack.action,
          status: 'COMPLETE',
          resource_id: r.physicalId,
          metadata: {},
          resource_data: r.type === 'OS::Heat::RandomString' ? { value: r.data.value } : {},
        },
      ]),
    ),
  };
  for (const r of stack.resources.values()) {
    const s = r.type === 'OS::Nova::Server' ? api.region.servers.get(r.physicalId) : undefined;
    if (s) s.stackId = null;
  }
  // Heat deletes the stack's record, not its resources: by its id it shows DELETE_COMPLETE.
  const now = Date.now();
  stack.resources.clear();
  stack.doomed = [];
  stack.action = 'DELETE';
  stack.status = 'COMPLETE';
  stack.statusReason = 'Stack DELETE completed successfully';
  stack.deleted = now;
  api.region.buryStack(stack);
  return data;
}

/** Outputs as Heat shows them: each resolved now; one that cannot be resolved shows null with its error. */
export function resolveOutputs(
  scope: StackScope,
): { output_key: string; output_value: unknown; description: string; output_error?: string }[] {
  let t: HotTemplate;
  try {
    t = parseTemplate(scope.stack.template);
  } catch {
    return [];
  }
  const ctx = liveContext(scope);
  return [...t.outputs.values()].map((o) => {
    try {
      const v = resolve(o.value, ctx);
      return {
        output_key: o.name,
        output_value: v === DEFERRED || v === undefined ? null : v,
        description: o.description,
      };
    } catch (e) {
      return { output_key: o.name, output_value: null, description: o.description, output_error: (e as Error).message };
    }
  });
}

/** Heat's status of each resource of a stack, for the resources API. */
export function resourceStatus(scope: StackScope, res: StackResource): { status: string; reason: string } {
  const { stack } = scope;
  if (stack.status !== 'IN_PROGRESS')
    return { status: `${stack.action === 'ROLLBACK' ? 'CREATE' : stack.action}_COMPLETE`, reason: 'state changed' };
  const target = stack.action === 'CHECK' ? checkTarget(stack) : (TARGET[stack.action] ?? 'ACTIVE');
  const state = resourceType(res.type).state(scope, res, target);
  return { status: `${stack.action}_${state.status}`, reason: state.reason ?? 'state changed' };
}

/**
 * Finds a stack by name or id in the caller's project (any project for an admin): a live one, or
 * by id a deleted one too, as Heat still resolves a deleted stack's id (not its name).
 */
export function findStack(store: SimulatorStore, api: RegionApi, nameOrId: string): Stack | null {
  const { region, caller } = api;
  const mine = (s: Stack) => s.projectId === caller.project.id || caller.isAdmin;
  const byId = region.stacks.get(nameOrId);
  const candidates = byId ? [byId] : [...region.stacks.values()].filter((s) => s.name === nameOrId);
  for (const s of candidates) {
    if (!mine(s)) continue;
    const live = settleStack(store, api, s);
    if (live) return live;
  }
  const dead = region.tombstones.get(nameOrId);
  return dead && mine(dead) ? dead : null;
}

/** The stack at `/stacks/{name}/{id}`, live or (for show only) deleted. */
export function stackAt(
  store: SimulatorStore,
  api: RegionApi,
  name: string,
  id: string,
  o: { deleted?: boolean } = {},
): Stack {
  const region: RegionState = api.region;
  const live = region.stacks.get(id);
  const s = live ? settleStack(store, api, live) : null;
  const found = s ?? (o.deleted ? region.tombstones.get(id) : undefined);
  if (!found || found.name !== name || (found.projectId !== api.caller.project.id && !api.caller.isAdmin)) {
    throw new ApiError(404, `The Stack (${name}) could not be found.`, 'EntityNotFound');
  }
  return found;
}
