import type { WaitOptions } from '../http/wait';

/** Octavia's provisioning states; DELETED is reported as gone (null) by the driver. */
export type LbProvisioningStatus = 'ACTIVE' | 'PENDING_CREATE' | 'PENDING_UPDATE' | 'PENDING_DELETE' | 'ERROR';
/** ONLINE, OFFLINE, DEGRADED, ERROR, NO_MONITOR (members of an unmonitored pool), DRAINING. */
export type LbOperatingStatus = string;

/** What every Octavia object reports, with the whole body in `raw`. */
export interface LbObject {
  id: string;
  name: string;
  provisioningStatus: LbProvisioningStatus;
  operatingStatus: LbOperatingStatus;
  adminStateUp: boolean;
  raw: Record<string, unknown>;
}

export interface LoadBalancer extends LbObject {
  vipAddress: string;
  vipPortId: string;
  vipSubnetId: string;
  vipNetworkId: string;
  availabilityZone: string | null;
  flavorId: string | null;
  listenerIds: string[];
  poolIds: string[];
}

/** A new load balancer: its VIP on a subnet, or on a network (Octavia picks the subnet). */
export interface LoadBalancerCreate {
  name?: string;
  description?: string;
  vipSubnetId?: string;
  vipNetworkId?: string;
  vipAddress?: string;
  adminStateUp?: boolean;
  availabilityZone?: string;
  flavorId?: string;
}

export interface LbListener extends LbObject {
  loadBalancerId: string;
  protocol: string;
  protocolPort: number;
  /** -1 = unlimited. */
  connectionLimit: number;
  defaultPoolId: string | null;
}

export interface LbListenerCreate {
  loadBalancerId: string;
  /** HTTP, HTTPS, TCP, TERMINATED_HTTPS, UDP. */
  protocol: string;
  protocolPort: number;
  connectionLimit?: number;
  adminStateUp?: boolean;
  name?: string;
  description?: string;
}

/** Session persistence; `cookieName` only with APP_COOKIE. */
export interface LbSessionPersistence {
  type: 'SOURCE_IP' | 'HTTP_COOKIE' | 'APP_COOKIE';
  cookieName?: string;
}

export interface LbPool extends LbObject {
  protocol: string;
  lbAlgorithm: string;
  sessionPersistence: LbSessionPersistence | null;
  loadBalancerIds: string[];
  listenerIds: string[];
  healthMonitorId: string | null;
  memberIds: string[];
}

/** A new pool: the default pool of `listenerId`, or a pool of `loadBalancerId` (one is needed). */
export interface LbPoolCreate {
  /** ROUND_ROBIN, LEAST_CONNECTIONS, SOURCE_IP. */
  lbAlgorithm: string;
  /** HTTP, HTTPS, TCP, PROXY, UDP; must suit the listener's protocol. */
  protocol: string;
  listenerId?: string;
  loadBalancerId?: string;
  sessionPersistence?: LbSessionPersistence | null;
  adminStateUp?: boolean;
  name?: string;
  description?: string;
}

export interface LbMember extends LbObject {
  poolId: string;
  address: string;
  protocolPort: number;
  subnetId: string | null;
  weight: number;
}

export interface LbMemberCreate {
  address: string;
  protocolPort: number;
  /** The subnet through which the load balancer reaches the member. */
  subnetId?: string;
  weight?: number;
  adminStateUp?: boolean;
  name?: string;
}

export type LbHealthMonitorType = 'PING' | 'TCP' | 'HTTP' | 'HTTPS';

export interface LbHealthMonitor extends LbObject {
  type: string;
  delay: number;
  timeout: number;
  maxRetries: number;
  httpMethod: string | null;
  urlPath: string | null;
  expectedCodes: string | null;
  poolIds: string[];
}

export interface LbHealthMonitorCreate {
  poolId: string;
  type: LbHealthMonitorType;
  /** Seconds between probes. */
  delay: number;
  /** Seconds a probe may take. */
  timeout: number;
  maxRetries: number;
  adminStateUp?: boolean;
  /** HTTP and HTTPS monitors only (sent only for them). */
  httpMethod?: string;
  urlPath?: string;
  expectedCodes?: string;
  name?: string;
}

export interface LbFlavor {
  id: string;
  name: string;
  enabled: boolean;
}

/**
 * Octavia v2 (`load-balancer` in the catalog). Missing things are `null` (never an exception),
 * deleting what is already gone is fine, and failures are CloudErrors.
 *
 * Octavia runs one change at a time per load balancer: while it is PENDING_* every other change
 * under it is refused with 409. The mutating calls here absorb that: on such a 409 they wait
 * (bounded) for the load balancer to be ACTIVE again and try again a few times, then give up with
 * CloudBusy. Callers should still wait for ACTIVE after each change, as Senlin does, and treat
 * the object as ready only then.
 */
export interface LoadBalancerDriver {
  createLoadBalancer(req: LoadBalancerCreate, signal?: AbortSignal): Promise<LoadBalancer>;
  getLoadBalancer(id: string, signal?: AbortSignal): Promise<LoadBalancer | null>;
  /** By id, else by exact name (the first of several). */
  findLoadBalancer(nameOrId: string, signal?: AbortSignal): Promise<LoadBalancer | null>;
  /** Starts deleting; with `cascade`, its listeners, pools, members and monitors go too (Octavia refuses otherwise). */
  deleteLoadBalancer(id: string, o?: { cascade?: boolean }, signal?: AbortSignal): Promise<void>;
  /** Polls until provisioning_status is ACTIVE; ERROR or disappearing ends the wait with CloudResourceFailed. */
  waitLoadBalancerActive(id: string, o: WaitOptions): Promise<LoadBalancer>;
  /** Polls until the load balancer is gone; ERROR ends the wait with CloudResourceFailed. */
  waitLoadBalancerGone(id: string, o: WaitOptions): Promise<void>;

  createListener(req: LbListenerCreate, signal?: AbortSignal): Promise<LbListener>;
  getListener(id: string, signal?: AbortSignal): Promise<LbListener | null>;
  deleteListener(id: string, signal?: AbortSignal): Promise<void>;

  createPool(req: LbPoolCreate, signal?: AbortSignal): Promise<LbPool>;
  getPool(id: string, signal?: AbortSignal): Promise<LbPool | null>;
  /** Its members and health monitor go with it. */
  deletePool(id: string, signal?: AbortSignal): Promise<void>;

  createMember(poolId: string, req: LbMemberCreate, signal?: AbortSignal): Promise<LbMember>;
  getMember(poolId: string, memberId: string, signal?: AbortSignal): Promise<LbMember | null>;
  /** Every member of the pool; null when the pool is gone. */
  listMembers(poolId: string, signal?: AbortSignal): Promise<LbMember[] | null>;
  deleteMember(poolId: string, memberId: string, signal?: AbortSignal): Promise<void>;

  createHealthMonitor(req: LbHealthMonitorCreate, signal?: AbortSignal): Promise<LbHealthMonitor>;
  getHealthMonitor(id: string, signal?: AbortSignal): Promise<LbHealthMonitor | null>;
  deleteHealthMonitor(id: string, signal?: AbortSignal): Promise<void>;

  /** An Octavia flavor by id or name (the policy's `flavor_id`). */
  findFlavor(nameOrId: string, signal?: AbortSignal): Promise<LbFlavor | null>;
}
