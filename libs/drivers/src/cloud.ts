import { CloudAuthError } from '@grove/core';
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
  /**
   * Keystone mode: where each owner's trust to the credentials' user is kept. With it, an owner's
   * cloud calls run in the owner's project through that trust; without it (noauth), every call
   * runs as the one account of `credentials`.
   */
  trusts?: TrustSource;
}

/** Whose cloud work it is: the user and project that own the cluster, node or profile. */
export interface CloudOwner {
  userId: string;
  project: string;
}

export interface TrustSource {
  /** The owner's trust id; a CloudAuthError when the owner has none. */
  trustOf(owner: CloudOwner): Promise<string>;
  /** Keystone no longer honours the trust (deleted, expired, roles gone): forget it, so a new one is made. */
  refused(owner: CloudOwner, trustId: string): Promise<void>;
}

/** One identity's drivers, region by region. */
interface CloudAccount {
  identity: KeystoneDriver;
  regions: Map<string, CloudDrivers>;
}

/**
 * Hands out drivers for a region, as the one cloud account (noauth) or as an owner through their
 * trust (keystone mode). Each identity has one Keystone session (one token for all its work), and
 * all share one pool of keep-alive connections.
 */
export class CloudConnector {
  private readonly agent: Agent;
  private readonly account: CloudAccount;
  private readonly owners = new Map<string, CloudAccount>();
  private readonly dockerHttp: JsonHttp;

  constructor(private readonly o: CloudConnectorOptions) {
    this.agent = JsonHttp.agent({
      timeoutMs: o.requestTimeoutMs,
      maxConnections: o.maxConnections,
      insecure: o.credentials.insecure,
    });
    this.account = { identity: new KeystoneDriver(o.credentials, this.http('Keystone')), regions: new Map() };
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

  /** Whether owners' calls go through their trusts (keystone mode). */
  get usesTrusts(): boolean {
    return !!this.o.trusts;
  }

  /** The drivers of `region`, working for `owner` (through their trust, in keystone mode). */
  forRegion(region: string, owner?: CloudOwner): CloudDrivers {
    const account = this.accountOf(owner);
    const known = account.regions.get(region);
    if (known) return known;
    const identity = account.identity;
    const svc = (type: string, name: string, version = '') =>
      new OpenStackService(type, region, identity, this.http(name), version);
    const { pollMinMs, pollMaxMs } = this.o;
    const wait = (timeoutMs: number, signal?: AbortSignal): WaitOptions => ({
      timeoutMs,
      minIntervalMs: pollMinMs,
      maxIntervalMs: pollMaxMs,
      signal,
    });
    const drivers: CloudDrivers = {
      region,
      identity,
      compute: new NovaDriver(svc('compute', 'Nova')),
      image: new GlanceDriver(svc('image', 'Glance', '/v2')),
      network: new NeutronDriver(svc('network', 'Neutron', '/v2.0')),
      orchestration: new HeatDriver(svc('orchestration', 'Heat')),
      lbaas: new OctaviaDriver(svc('load-balancer', 'Octavia', '/v2'), { wait, busyTimeoutMs: this.o.lbBusyTimeoutMs }),
      docker: (endpoint) => new DockerDriver(endpoint, this.dockerHttp),
      wait,
    };
    account.regions.set(region, drivers);
    return drivers;
  }

  private accountOf(owner?: CloudOwner): CloudAccount {
    const trusts = this.o.trusts;
    if (!trusts) return this.account;
    // Keystone mode: work nobody owns does not fall back to the service account's own project.
    if (!owner) throw new CloudAuthError('Keystone mode: a cloud call was made without an owner to act for');
    const key = `${owner.userId}/${owner.project}`;
    let account = this.owners.get(key);
    if (!account) {
      const who = { userId: owner.userId, project: owner.project };
      account = {
        identity: new KeystoneDriver(this.o.credentials, this.http('Keystone'), {
          id: () => trusts.trustOf(who),
          refused: (trustId) => trusts.refused(who, trustId),
          describe: `user ${who.userId} in project ${who.project}`,
        }),
        regions: new Map(),
      };
      this.owners.set(key, account);
    }
    return account;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
