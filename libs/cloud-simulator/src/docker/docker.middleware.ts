import type { NextFunction, Response } from 'express';
import type { SimulatorStore } from '../store/simulator-store';
import type { SimRequest } from '../http/sim-request';
import { dockerTarget, type DockerTarget } from './docker-hosts';
import { DOCKER_API_VERSION, DOCKER_VERSION } from './docker-system.controller';

const VERSIONED = /^\/v(\d+)\.(\d+)(\/.*)?$/;
const [MAX_MAJOR, MAX_MINOR] = DOCKER_API_VERSION.split('.').map(Number);

/**
 * Docker's API version prefix: `/v1.41/containers/json` is `/containers/json`; a version newer
 * than the simulator's is Docker's 400. Also sets the headers every Docker reply carries.
 */
export function dockerVersionPrefix(req: SimRequest, res: Response, next: NextFunction): void {
  res.setHeader('Api-Version', DOCKER_API_VERSION);
  res.setHeader('Docker-Experimental', 'false');
  res.setHeader('Ostype', 'linux');
  res.setHeader('Server', `Docker/${DOCKER_VERSION} (linux)`);
  const m = VERSIONED.exec(req.path);
  if (m) {
    const [major, minor] = [Number(m[1]), Number(m[2])];
    if (major > MAX_MAJOR || (major === MAX_MAJOR && minor > MAX_MINOR)) {
      res.status(400).json({
        message: `client version ${m[1]}.${m[2]} is too new. Maximum supported API version is ${DOCKER_API_VERSION}`,
      });
      return;
    }
    req.url = req.url.slice(m[0].length - (m[3] ?? '').length) || '/';
  }
  next();
}

/**
 * Which Docker host a request is for, from the address it arrived on. A server that is not
 * running does not answer: the connection is dropped, as with a VM that is off.
 */
export function dockerHost(store: SimulatorStore) {
  return (req: SimRequest & { dockerTarget?: DockerTarget }, _res: Response, next: NextFunction): void => {
    const target = dockerTarget(store, req.socket.localAddress);
    if (!target) {
      req.socket.destroy();
      return;
    }
    req.dockerTarget = target;
    next();
  };
}
