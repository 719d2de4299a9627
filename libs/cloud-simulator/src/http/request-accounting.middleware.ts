import { randomUUID } from 'node:crypto';
import type { NextFunction, Response } from 'express';
import type { SimulatorStore } from '../store/simulator-store';
import type { ServiceName } from './api-error';
import type { SimRequest } from './sim-request';

/**
 * The first thing every request meets (Express middleware, before routing): it names the service
 * the request is for (errors are rendered in that service's format), gives OpenStack replies a
 * request id, and counts the request by its route template once it is answered.
 */
export function requestAccounting(store: SimulatorStore, serviceOf: (path: string) => ServiceName) {
  return (req: SimRequest, res: Response, next: NextFunction): void => {
    const service = serviceOf(req.path);
    req.simService = service;
    if (service === 'admin') return next();
    if (service !== 'docker') res.setHeader('x-openstack-request-id', `req-${randomUUID()}`);
    res.once('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? '(unmatched)';
      store.stats.record(`${req.method} ${route}`, service, res.statusCode);
    });
    next();
  };
}
