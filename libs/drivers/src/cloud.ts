import type { Agent } from 'undici';
import type { ComputeDriver } from './compute/compute.driver';
import type { ContainerDriver } from './container/container.driver';
import { DockerDriver } from './docker/docker.driver';
import { JsonHttp } from './http/json-http';
import type { WaitOptions } from './http/wait';
import type { CloudCredentials, IdentityDriver } from './identity/identity.driver';
import type { ImageDriver } from './image/image.driver';
import type { LoadBalancerDriver } from './lbaas/lbaas.driver';
import type { NetworkDriver } from './network/network.driver';
import { GlanceDriver } from './openstack/glance.driver';
import { HeatDriver } from './openstack/heat.driver';
import { KeystoneDriver } from './openstack/keystone.driver';
import { NeutronDriver } from './openstack/neutron.driver';
import { NovaDriver } from './openstack/nova.driver';
import { OctaviaDriver } from './openstack/octavia.driver';
import { OpenStackService } from './openstack/openstack-service';
import type { OrchestrationDriver } from './orchestration/orchestration.driver';

/** Every driver of one cloud region, as profiles and policies receive them. */
export interface CloudDrivers {
  readonly region: string;
  readonly identity: IdentityDriver;
  readonly compute: ComputeDriver;
  readonly image: ImageDriver;
  readonly network: NetworkDriver;
  readonly orchestration: OrchestrationDriver;
  /** Octavia (`load-balancer` in the catalog). */
  readonly lbaas: LoadBalancerDriver;
  /** The Docker Engine API at `endpoint` (http://host:port). */
  docker(endpoint: string): ContainerDriver;
  /** Polling settings for waits, with the caller's deadline. */
  wait(timeoutMs: number, signal?: AbortSignal): WaitOptions;
}

export interface CloudConnectorOptions {
  credentials: CloudCredentials;
  requestTimeoutMs: number;
  retries: number;
  maxConnections: number;
  pollMinMs: number;
  pollMaxMs: number;
  /** How long a load-balancer change refused while another runs waits for the load balancer; default 300 s. */
  lbBusyTimeoutMs?: number;
  /** Called before every request that may change something (JsonHttpOptions.beforeChange). */
  beforeChange?: () => void | Promise<void>;
}

/**
 * Hands out drivers for a region of one cloud account. All of them share one Keystone session
 * (one token for the whole engine) and one pool of keep-alive connections.
 */
export class CloudConnector {
  private readonly agent: Agent;
  private readonly identity: KeystoneDriver;
  private readonly regions = new Map<string, CloudDrivers>();
  private readonly dockerHttp: JsonHttp;

  constructor(private readonly o: CloudConnectorOptions) {
    this.agent = JsonHttp.agent({
      timeoutMs: o.requestTimeoutMs,
      maxConnections: o.maxConnections,
      insecure: o.credentials.insecure,
    });
    this.identity = new KeystoneDriver(o.credentials, this.http('Keystone'));
    this.dockerHttp = this.http('Docker');
  }

  private http(service: string): JsonHttp {
    return new JsonHttp({
      service,
      timeoutMs: this.o.requestTimeoutMs,
      retries: this.o.retries,
      maxConnections: this.o.maxConnections,
      insecure: this.o.credentials.insecure,
      dispatcher: this.agent,
      beforeChange: this.o.beforeChange,
    });
  }

  forRegion(region: string): CloudDrivers {
    const known = this.regions.get(region);
    if (known) return known;
    const svc = (type: string, name: string, version = '') =>
      new OpenStackService(type, region, this.identity, this.http(name), version);
    const { pollMinMs, pollMaxMs } = this.o;
    const wait = (timeoutMs: number, signal?: AbortSignal): WaitOptions => ({
      timeoutMs,
      minIntervalMs: pollMinMs,
      maxIntervalMs: pollMaxMs,
      signal,
    });
    const drivers: CloudDrivers = {
      region,
      identity: this.identity,
      compute: new NovaDriver(svc('compute', 'Nova')),
      image: new GlanceDriver(svc('image', 'Glance', '/v2')),
      network: new NeutronDriver(svc('network', 'Neutron', '/v2.0')),
      orchestration: new HeatDriver(svc('orchestration', 'Heat')),
      lbaas: new OctaviaDriver(svc('load-balancer', 'Octavia', '/v2'), { wait, busyTimeoutMs: this.o.lbBusyTimeoutMs }),
      docker: (endpoint) => new DockerDriver(endpoint, this.dockerHttp),
      wait,
    };
    this.regions.set(region, drivers);
    return drivers;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
