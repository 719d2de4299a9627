import type { LbHealthMonitorProps, LbPoolProps, LbVipProps } from './load-balancing/load-balancing.properties';
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

/** A compute host as Nova's `os-hypervisors/detail` lists it (the affinity policy's vSphere DRS extension). */
export interface HypervisorHost {
  readonly id: string;
  /** `hypervisor_hostname`. */
  readonly hostname: string;
  /** `service.host`: the compute service's host, which an `<az>:<host>` zone names. */
  readonly serviceHost: string;
}

export interface ComputePort {
  /** Availability zones that are up, in the cluster's region. */
  availabilityZones(o: PortOptions): Promise<string[]>;
  /** The project's server group with that id, else the first with that exact name; null when none. */
  findServerGroup(nameOrId: string, o: PortOptions): Promise<ServerGroup | null>;
  /** A new server group with one policy (`affinity`, `anti-affinity`, `soft-affinity`, `soft-anti-affinity`). */
  createServerGroup(name: string, policy: string, o: PortOptions): Promise<ServerGroup>;
  /** Deleting one that is gone is not an error. */
  deleteServerGroup(id: string, o: PortOptions): Promise<void>;
  /** Every hypervisor, in Nova's order (the DRS extension takes the first whose hostname matches). */
  hypervisors(o: PortOptions): Promise<HypervisorHost[]>;
}

/** Neutron lookups that deep validation needs (the load-balancing policy's subnets and network). */
export interface NetworkPort {
  /** Whether a subnet with that name or id exists for the project. */
  subnetExists(nameOrId: string, o: PortOptions): Promise<boolean>;
  /** Whether a network with that name or id exists for the project. */
  networkExists(nameOrId: string, o: PortOptions): Promise<boolean>;
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
  /** Owner ids for the resources' descriptions, so a half-finished attach can be found and cleaned up. */
  readonly clusterId: string;
  readonly policyId: string;
  /** The VIP on `subnet` and/or `network` (checkProperties guarantees at least one), as Octavia takes them. */
  readonly vip: Readonly<LbVipProps>;
  /** The pool made on the listener; `subnet` and `protocol_port` are for members, `id` is unused here. */
  readonly pool: Readonly<LbPoolProps>;
  /** Null: no health monitor (the policy has no `health_monitor`). */
  readonly healthMonitor: Readonly<LbHealthMonitorProps> | null;
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
  /** Whether a load balancer with that name or id exists (validating an adopted one). */
  exists(loadBalancerId: string, o: PortOptions): Promise<boolean>;
  /** Whether an Octavia flavor with that name or id exists (validating `flavor_id`). */
  flavorExists(nameOrId: string, o: PortOptions): Promise<boolean>;
  /**
   * Adds the node's server to the pool at its address on `subnet` (the first of the subnet's IP
   * version on the subnet's network), waiting for the load balancer to be ACTIVE before and after;
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
  readonly network: NetworkPort;
  readonly loadBalancer: LoadBalancerPort;
}
