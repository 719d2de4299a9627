export interface Network {
  id: string;
  name: string;
  subnets: string[];
  external: boolean;
}

export interface Subnet {
  id: string;
  name: string;
  networkId: string;
  cidr: string;
  ipVersion: 4 | 6;
}

export interface Port {
  id: string;
  networkId: string;
  fixedIps: { subnetId: string; ipAddress: string }[];
  deviceId: string;
  macAddress: string;
}

export interface PortCreate {
  networkId: string;
  name?: string;
  fixedIps?: { ip_address?: string; subnet_id?: string }[];
  securityGroups?: string[];
  vnicType?: string;
  /** Neutron tags given in the create itself, so the port is never untagged. */
  tags?: string[];
}

export interface FloatingIp {
  id: string;
  address: string;
  portId: string | null;
  description: string;
}

/** Neutron v2.0. */
export interface NetworkDriver {
  findNetwork(nameOrId: string, signal?: AbortSignal): Promise<Network | null>;
  findSubnet(nameOrId: string, signal?: AbortSignal): Promise<Subnet | null>;
  findSecurityGroup(nameOrId: string, signal?: AbortSignal): Promise<{ id: string; name: string } | null>;
  createPort(req: PortCreate, signal?: AbortSignal): Promise<Port>;
  getPort(id: string, signal?: AbortSignal): Promise<Port | null>;
  /** The project's ports that carry every one of `tags`. */
  listPorts(filter: { tags: string[] }, signal?: AbortSignal): Promise<Port[]>;
  /** Replaces the port's security groups (ids). */
  setPortSecurityGroups(id: string, securityGroups: string[], signal?: AbortSignal): Promise<void>;
  /** A port that is already gone is fine. */
  deletePort(id: string, signal?: AbortSignal): Promise<void>;
  /** A new floating IP from `networkId`, bound to `portId`; or an existing one by address. */
  createFloatingIp(
    req: { networkId: string; portId: string; address?: string; description?: string },
    signal?: AbortSignal,
  ): Promise<FloatingIp>;
  findFloatingIp(address: string, signal?: AbortSignal): Promise<FloatingIp | null>;
  /** The floating IPs bound to a port. */
  portFloatingIps(portId: string, signal?: AbortSignal): Promise<FloatingIp[]>;
  updateFloatingIp(id: string, portId: string | null, signal?: AbortSignal): Promise<void>;
  deleteFloatingIp(id: string, signal?: AbortSignal): Promise<void>;
}
