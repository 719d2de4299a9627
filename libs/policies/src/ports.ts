import type { PolicyNode } from './policy-type';

/**
 * What policies may ask of the cloud. Declared here, implemented in libs/engine/src/ports with
 * the drivers (STYLE: cloud effects go through ports), bound to the cluster's project and region.
 * Every call takes the action's signal and deadline; waits end by the deadline at the latest.
 * Ports never touch Grove's database: database writes are PolicyEffects, which the runner applies.
 */
export interface PortOptions {
  readonly signal: AbortSignal;
  readonly deadline: Date;
}

export interface IdentityPort {
  /** Ids of the cloud's regions (Keystone). */
  regions(o: PortOptions): Promise<string[]>;
}

export interface ServerGroup {
  readonly id: string;
  readonly name: string;
  /** `affinity`, `anti-affinity`, `soft-affinity` or `soft-anti-affinity`. */
  readonly policy: string;
}

export interface ComputePort {
  /** Availability zones that are up, in the cluster's region. */
  availabilityZones(o: PortOptions): Promise<string[]>;
  findServerGroup(nameOrId: string, o: PortOptions): Promise<ServerGroup | null>;
  createServerGroup(name: string, policy: string, o: PortOptions): Promise<ServerGroup>;
  /** Deleting one that is gone is not an error. */
  deleteServerGroup(id: string, o: PortOptions): Promise<void>;
}

/** The Octavia resources a load-balancing policy made or adopted, as its binding data keeps them. */
export interface LbResources {
  readonly loadbalancer: string;
  readonly listener: string | null;
  readonly pool: string;
  readonly healthmonitor: string | null;
  readonly vip_address: string | null;
  /** Adopted (policy 1.1 `loadbalancer`): detach removes the members but leaves the load balancer. */
  readonly preexisting: boolean;
}

/** What to build: the load-balancing policy's resolved `vip`, `pool`, `health_monitor` and top-level properties. */
export interface LbBuildSpec {
  /** Names the resources (the cluster's name). */
  readonly name: string;
  readonly vip: Readonly<Record<string, unknown>>;
  readonly pool: Readonly<Record<string, unknown>>;
  readonly healthMonitor: Readonly<Record<string, unknown>> | null;
  readonly availabilityZone: string | null;
  readonly flavorId: string | null;
}

export interface LoadBalancerPort {
  /**
   * Creates load balancer, listener, pool and health monitor in turn, waiting up to `timeoutS`
   * for `provisioning_status` ACTIVE after each step. On failure it deletes what it made and throws.
   */
  create(spec: LbBuildSpec, o: PortOptions & { timeoutS: number }): Promise<LbResources>;
  /** Deletes what `create` made (cascade), waiting for it to go. */
  delete(res: LbResources, o: PortOptions & { timeoutS: number }): Promise<void>;
  /** Whether a load balancer exists (validating an adopted one). */
  exists(loadBalancerId: string, o: PortOptions): Promise<boolean>;
  /**
   * Adds the node's server to the pool at its address on `subnet`, then waits for ACTIVE;
   * returns the member id. Throws when the node has no address there or Octavia refuses.
   */
  addMember(
    res: Pick<LbResources, 'loadbalancer' | 'pool'>,
    node: PolicyNode,
    member: { readonly protocolPort: number; readonly subnet: string },
    o: PortOptions & { timeoutS: number },
  ): Promise<string>;
  /** Removes a member (gone already is fine), then waits for ACTIVE. */
  removeMember(
    res: Pick<LbResources, 'loadbalancer' | 'pool'>,
    memberId: string,
    o: PortOptions & { timeoutS: number },
  ): Promise<void>;
}

export interface PolicyPorts {
  readonly identity: IdentityPort;
  readonly compute: ComputePort;
  readonly loadBalancer: LoadBalancerPort;
}
