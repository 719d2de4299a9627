/**
 * Domain errors know their HTTP status and Senlin's exception class name (`type`), which clients
 * match on. One filter in the api renders them as Senlin's fault body; errors that crossed the
 * broker are rebuilt into the same classes by `rebuildError`.
 */
export type ErrorStatus = 400 | 401 | 403 | 404 | 406 | 409 | 500 | 503;

export class GroveError extends Error {
  constructor(
    readonly status: ErrorStatus,
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }

  toWire(): WireError {
    return { status: this.status, type: this.type, message: this.message };
  }
}

/** The shape an error takes on the broker and in RPC replies. */
export interface WireError {
  status: ErrorStatus;
  type: string;
  message: string;
}

/** Senlin's BadRequest always ends with exactly one period. */
const withPeriod = (msg: string): string => msg.replace(/\.*$/, '.');

export class BadRequest extends GroveError {
  constructor(msg: string) {
    super(400, 'BadRequest', withPeriod(msg));
  }
}

/** A check done at the HTTP layer (Senlin raises WebOb's class there; tempest matches its name). */
export class HTTPBadRequest extends GroveError {
  constructor(msg: string) {
    super(400, 'HTTPBadRequest', msg);
  }
}

export class InvalidSpec extends GroveError {
  constructor(msg: string) {
    super(400, 'InvalidSpec', msg);
  }
}

export class MultipleChoices extends GroveError {
  constructor(arg: string) {
    super(
      400,
      'MultipleChoices',
      `Multiple results found matching the query criteria '${arg}'. Please be more specific.`,
    );
  }
}

export class MethodVersionNotFound extends GroveError {
  constructor(version: string) {
    super(400, 'MethodVersionNotFound', `API version '${version}' is not supported on this method.`);
  }
}

export class RequestLimitExceeded extends GroveError {
  constructor(msg: string) {
    super(400, 'RequestLimitExceeded', `Request limit exceeded: ${msg}`);
  }
}

/** A signed webhook's trigger without a valid signature (Grove; Senlin has no 401 of its own). */
export class HTTPUnauthorized extends GroveError {
  constructor(msg: string) {
    super(401, 'HTTPUnauthorized', msg);
  }
}

export class Forbidden extends GroveError {
  constructor(msg = 'You are not authorized to complete this operation.') {
    super(403, 'Forbidden', msg);
  }
}

export class ResourceNotFound extends GroveError {
  constructor(kind: string, id: string) {
    super(404, 'ResourceNotFound', `The ${kind} '${id}' could not be found.`);
  }
}

export class PolicyBindingNotFound extends GroveError {
  constructor(policy: string, cluster: string) {
    super(
      404,
      'PolicyBindingNotFound',
      `The policy '${policy}' is not found attached to the specified cluster '${cluster}'.`,
    );
  }
}

export class InvalidGlobalAPIVersion extends GroveError {
  constructor(requested: string, min: string, max: string) {
    super(
      406,
      'InvalidGlobalAPIVersion',
      `Version '${requested}' is not supported by the API. Minimum is '${min}' and maximum is '${max}'.`,
    );
  }
}

export class ResourceInUse extends GroveError {
  constructor(kind: string, id: string, reason: string) {
    super(409, 'ResourceInUse', `The ${kind} '${id}' cannot be deleted: ${reason}.`);
  }
}

export class ResourceIsLocked extends GroveError {
  constructor(action: string, kind: string, id: string) {
    super(409, 'ResourceIsLocked', `${action} for ${kind} '${id}' cannot be completed because it is already locked.`);
  }
}

export class ActionInProgress extends GroveError {
  constructor(kind: string, id: string, status: string) {
    super(409, 'ActionInProgress', `The ${kind} '${id}' is in status ${status}.`);
  }
}

export class ActionConflict extends GroveError {
  constructor(action: string, target: string, conflicting: string[]) {
    super(
      409,
      'ActionConflict',
      `The ${action} action for target ${target} conflicts with the following action(s): ${conflicting.join(',')}`,
    );
  }
}

export class ActionCooldown extends GroveError {
  constructor(action: string, cluster: string, policyId: string) {
    super(
      409,
      'ActionCooldown',
      `The ${action} action for cluster ${cluster} cannot be processed due to Policy ${policyId} cooldown still in progress`,
    );
  }
}

export class ActionImmutable extends GroveError {
  constructor(id: string, actual: string, expected: readonly string[]) {
    super(
      409,
      'ActionImmutable',
      `Action (${id}) is in status (${actual}) while expected status must be one of (${expected.join(', ')}).`,
    );
  }
}

export class FeatureNotSupported extends GroveError {
  constructor(feature: string) {
    super(409, 'FeatureNotSupported', `${feature} is not supported.`);
  }
}

/** Grove: a node protected from scale-in named for removal without `force`. */
export class NodeProtected extends GroveError {
  constructor(nodes: string) {
    super(409, 'NodeProtected', `Nodes ${nodes} are protected from scale-in; remove the protection or use force.`);
  }
}

export class NodeNotOrphan extends GroveError {
  constructor(msg: string) {
    super(409, 'NodeNotOrphan', msg);
  }
}

/**
 * A cloud resource could not be read or changed for a request (Senlin's ProfileOperationFailed,
 * e.g. `404: Instance x could not be found.` when adopting). Senlin answers 500; the cause is the
 * request's (a resource that is not there), so Grove answers 400.
 */
export class ProfileOperationFailed extends GroveError {
  constructor(msg: string) {
    super(400, 'ProfileOperationFailed', msg);
  }
}

/**
 * A cloud resource that a node already stands for cannot be adopted by another one. Senlin does not
 * check and makes a second node for it; Grove refuses with a 409 of Senlin's ResourceInUse type.
 */
export class ResourceAlreadyManaged extends GroveError {
  /** `node` is left out (null) when it belongs to another project. */
  constructor(physicalId: string, node: string | null) {
    super(
      409,
      'ResourceInUse',
      `The resource '${physicalId}' is already managed by ${node === null ? 'another node' : `node '${node}'`}.`,
    );
  }
}

export class InternalError extends GroveError {
  constructor(msg: string) {
    super(500, 'InternalError', msg);
  }
}

/** A dependency (database, broker, engines) cannot serve the request right now. */
export class ServiceUnavailable extends GroveError {
  constructor(msg: string) {
    super(503, 'ServiceUnavailable', msg);
  }
}

const BY_TYPE: Record<string, new (...args: never[]) => GroveError> = {
  BadRequest,
  HTTPBadRequest,
  InvalidSpec,
  MultipleChoices,
  MethodVersionNotFound,
  RequestLimitExceeded,
  HTTPUnauthorized,
  Forbidden,
  ResourceNotFound,
  PolicyBindingNotFound,
  InvalidGlobalAPIVersion,
  ResourceInUse,
  ResourceIsLocked,
  ActionInProgress,
  ActionConflict,
  ActionCooldown,
  ActionImmutable,
  FeatureNotSupported,
  NodeNotOrphan,
  ProfileOperationFailed,
  InternalError,
  ServiceUnavailable,
};

/** Rebuilds an error that crossed the broker into its own class, keeping its message verbatim. */
export function rebuildError(wire: WireError): GroveError {
  const cls = BY_TYPE[wire.type] ?? GroveError;
  const err = Object.create(cls.prototype) as GroveError;
  Object.assign(err, { status: wire.status, type: wire.type, message: wire.message, name: wire.type });
  Object.defineProperty(err, 'stack', { value: `${wire.type}: ${wire.message}`, enumerable: false });
  return err;
}
