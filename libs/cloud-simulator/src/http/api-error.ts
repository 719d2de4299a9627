/** The APIs the simulator imitates, plus its own admin API. Each renders errors its own way. */
export const SERVICES = [
  'identity',
  'compute',
  'image',
  'network',
  'orchestration',
  'load-balancer',
  'docker',
] as const;
export type CloudService = (typeof SERVICES)[number];
export type ServiceName = CloudService | 'admin';

/**
 * A failed request. `type` is the exception class name the real service puts in its body where it
 * has one (Heat's `StackValidationFailed`, Neutron's `PortNotFound`); the error filter renders
 * status, message and type in the body format of the service that was called.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (message: string, type?: string) => new ApiError(400, message, type);
export const notFound = (message: string, type?: string) => new ApiError(404, message, type);
export const conflict = (message: string, type?: string) => new ApiError(409, message, type);
export const forbidden = (message: string, type?: string) => new ApiError(403, message, type);

/** What keystonemiddleware says in front of every OpenStack service when the token is missing or bad. */
export const UNAUTHORIZED_MESSAGE = 'The request you have made requires authentication.';
export const unauthorized = () => new ApiError(401, UNAUTHORIZED_MESSAGE, 'Unauthorized');
