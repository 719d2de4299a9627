/**
 * Failures talking to a cloud. Drivers throw these (and return null for "gone"); the engine turns
 * them into an action's `status_reason`, so their messages must never carry credentials or tokens.
 */
export class CloudError extends Error {
  constructor(
    message: string,
    /** The HTTP status the cloud answered with, when it answered. */
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'CloudError';
  }
}

/** Keystone refused the credentials, or the catalog lacks the service. */
export class CloudAuthError extends CloudError {
  constructor(message: string, httpStatus?: number) {
    super(message, httpStatus);
    this.name = 'CloudAuthError';
  }
}

/**
 * The cloud did not answer, or answered 429 or 5xx, through every retry the request allowed.
 * Asking again later may work; for a create that was sent, the resource may exist all the same.
 */
export class CloudUnavailable extends CloudError {
  constructor(
    message: string,
    httpStatus?: number,
    /** The service's Retry-After, when it gave one. */
    readonly retryAfterMs?: number,
  ) {
    super(message, httpStatus);
    this.name = 'CloudUnavailable';
  }
}

/** A resource did not reach the wanted state in time. */
export class CloudTimeout extends CloudError {
  constructor(message: string) {
    super(message);
    this.name = 'CloudTimeout';
  }
}

/** A resource reached a state it will not leave by itself (ERROR, CREATE_FAILED, …). */
export class CloudResourceFailed extends CloudError {
  constructor(message: string) {
    super(message);
    this.name = 'CloudResourceFailed';
  }
}

/**
 * The cloud refused a change because the resource is busy with another one (Octavia's 409 for a
 * load balancer that is PENDING_*). Trying again once the resource has settled may succeed.
 */
export class CloudBusy extends CloudError {
  constructor(message: string) {
    super(message, 409);
    this.name = 'CloudBusy';
  }
}
