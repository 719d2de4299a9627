import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AdminOperations, type SimulatorAdmin } from './admin/admin-operations';
import { dockerHost, dockerVersionPrefix } from './docker/docker.middleware';
import { DockerModule } from './docker/docker.module';
import { ApiErrorFilter } from './http/api-error.filter';
import { FaultInjectionGuard } from './http/fault-injection';
import { requestAccounting } from './http/request-accounting.middleware';
import { serviceOfPath } from './http/service-of';
import { startNotifications, type NotificationOptions } from './notifications/cloud-notifications';
import { loadSeed, type SimulatorSeed } from './seed/seed';
import { SimulatorModule } from './simulator.module';
import { SimulatorStore } from './store/simulator-store';

export interface SimulatorLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface SimulatorOptions {
  /** OpenStack APIs and admin; 0 = any free port. Default 8790. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Docker Engine API; 0 = any free port. Default 2375. Listens on 0.0.0.0, so every server's loopback fixed IP reaches it. */
  dockerPort?: number;
  /** Replaces the default seed. */
  seed?: SimulatorSeed;
  /** A JSON file replacing the default seed. */
  seedFile?: string;
  logger?: SimulatorLogger;
  /**
   * Publish Nova's versioned notifications and Heat's stack notifications, to a broker or in-process, as the
   * real services do (see the README). Unset: nothing is published and nothing else changes.
   */
  notifications?: NotificationOptions;
}

export interface CloudSimulator {
  /** `http://host:port` */
  url: string;
  /** `${url}/identity/v3` */
  authUrl: string;
  dockerPort: number;
  /** The same operations as the admin HTTP API, in-process. */
  admin: SimulatorAdmin;
  close(): Promise<void>;
}

const BODY_LIMIT = '20mb';

/** One Nest app over the store: the OpenStack port or the Docker port. */
async function createApp(
  module: ReturnType<typeof SimulatorModule.register> | ReturnType<typeof DockerModule.register>,
  store: SimulatorStore,
  o: { docker: boolean; logger?: SimulatorLogger },
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module, {
    logger: false,
    bodyParser: false,
    abortOnError: false,
  });
  app.disable('x-powered-by');
  app.set('etag', false);
  if (o.docker) app.use(dockerVersionPrefix);
  app.use(requestAccounting(store, o.docker ? () => 'docker' : serviceOfPath));
  if (o.docker) app.use(dockerHost(store));
  // Docker clients do not always say their bodies are JSON; OpenStack clients do.
  app.useBodyParser('json', { limit: BODY_LIMIT, ...(o.docker ? { type: () => true } : {}) });
  app.useGlobalFilters(new ApiErrorFilter(o.logger));
  app.useGlobalGuards(new FaultInjectionGuard(store));
  return app;
}

async function listen(app: NestExpressApplication, port: number, host: string): Promise<number> {
  await app.listen(port, host);
  return ((app.getHttpServer() as Server).address() as AddressInfo).port;
}

async function close(app: NestExpressApplication): Promise<void> {
  const server = app.getHttpServer() as Server;
  const closing = app.close();
  // Keep-alive clients (undici pools) would hold the port open; a simulator going away drops them.
  server.closeAllConnections();
  await closing;
}

/**
 * Starts the simulated cloud: Keystone, Nova, Glance, Neutron, Heat and Octavia (and the admin API) on
 * `port`, the Docker Engine API on `dockerPort`. A bad seed throws SeedError before anything
 * listens.
 */
export async function startCloudSimulator(o: SimulatorOptions = {}): Promise<CloudSimulator> {
  const seed = loadSeed({ seed: o.seed, seedFile: o.seedFile });
  const store = new SimulatorStore(seed);
  const admin = new AdminOperations(store);
  const host = o.host ?? '127.0.0.1';

  const api = await createApp(SimulatorModule.register(store, admin), store, { docker: false, logger: o.logger });
  const docker = await createApp(DockerModule.register(store), store, { docker: true, logger: o.logger });
  const notifications = o.notifications ? startNotifications(store, o.notifications, o.logger) : null;
  let port: number;
  let dockerPort: number;
  try {
    port = await listen(api, o.port ?? 8790, host);
    dockerPort = await listen(docker, o.dockerPort ?? 2375, '0.0.0.0');
  } catch (e) {
    await Promise.allSettled([close(api), close(docker), notifications?.stop()]);
    throw e;
  }
  const reachableHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const url = `http://${reachableHost.includes(':') ? `[${reachableHost}]` : reachableHost}:${port}`;
  store.url = url;

  let closed: Promise<void> | null = null;
  return {
    url,
    authUrl: `${url}/identity/v3`,
    dockerPort,
    admin,
    close: () =>
      (closed ??= Promise.all([close(api), close(docker)])
        .then(() => notifications?.stop())
        .then(() => undefined)),
  };
}
