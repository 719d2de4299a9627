import { STATUS_CODES } from 'node:http';
import { UNAUTHORIZED_MESSAGE, type ServiceName } from './api-error';

/** Nova's fault names by status (nova/api/openstack/wsgi.py). */
const NOVA_FAULTS: Record<number, string> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  405: 'badMethod',
  409: 'conflictingRequest',
  413: 'overLimit',
  415: 'badMediaType',
  429: 'overLimit',
  501: 'notImplemented',
  503: 'serviceUnavailable',
};

/** WebOb's explanations, which Heat puts beside its own message. */
const WEBOB_EXPLANATIONS: Record<number, string> = {
  400: 'The server could not comply with the request since it is either malformed or otherwise incorrect.',
  401: 'This server could not verify that you are authorized to access the document you requested.',
  403: 'Access was denied to this resource.',
  404: 'The resource could not be found.',
  405: 'The method is not allowed for this resource.',
  409: 'There was a conflict when trying to complete your request.',
  500: 'The server has either erred or is incapable of performing the requested operation.',
  503: 'The server is currently unavailable. Please try again at a later time.',
};

/** Heat's exception class when the raiser named none: WebOb's, as Heat's fault wrapper reports it. */
const HEAT_DEFAULT_TYPES: Record<number, string> = {
  400: 'HTTPBadRequest',
  403: 'Forbidden',
  404: 'EntityNotFound',
  409: 'HTTPConflict',
  503: 'HTTPServiceUnavailable',
};

const NEUTRON_DEFAULT_TYPES: Record<number, string> = {
  400: 'HTTPBadRequest',
  403: 'HTTPForbidden',
  404: 'HTTPNotFound',
  409: 'HTTPConflict',
  503: 'ServiceUnavailable',
};

export const title = (status: number): string => STATUS_CODES[status] ?? 'Error';

/** The body the named service answers an error with. */
export function errorBody(service: ServiceName, status: number, message: string, type?: string): unknown {
  // keystonemiddleware, in front of every OpenStack service, answers bad tokens in Keystone's format.
  if (status === 401 && service !== 'docker' && service !== 'admin') {
    return { error: { code: 401, message: message || UNAUTHORIZED_MESSAGE, title: 'Unauthorized' } };
  }
  switch (service) {
    case 'identity':
      return { error: { code: status, message, title: title(status) } };
    case 'compute':
      return { [NOVA_FAULTS[status] ?? 'computeFault']: { code: status, message } };
    case 'image':
      return { message, code: `${status} ${title(status)}`, title: title(status) };
    case 'network':
      return { NeutronError: { type: type ?? NEUTRON_DEFAULT_TYPES[status] ?? 'NeutronError', message, detail: '' } };
    case 'orchestration':
      return {
        code: status,
        title: title(status),
        explanation: WEBOB_EXPLANATIONS[status] ?? title(status),
        error: { message, type: type ?? HEAT_DEFAULT_TYPES[status] ?? 'HTTPInternalServerError', traceback: null },
      };
    case 'load-balancer':
      // Octavia's WSME faults: who is to blame, and the message.
      return { faultcode: status < 500 ? 'Client' : 'Server', faultstring: message, debuginfo: null };
    case 'docker':
      return { message };
    case 'admin':
      return { error: { code: status, message } };
  }
}

/** A short message for injected failures that gave none. */
export const defaultFailureMessage = (status: number): string =>
  status === 503 ? 'Service Unavailable (simulated failure)' : `${title(status)} (simulated failure)`;
