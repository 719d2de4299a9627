import { randomBytes } from 'node:crypto';
import { newId } from '@grove/core';
import { ApiError } from '../http/api-error';
import type { RegionState } from '../store/region-state';
import type { FixedIp, Network, Port } from '../store/resources';
import type { SimulatorStore } from '../store/simulator-store';

/** Why an address could not be given; Neutron and Nova word these differently, so callers render them. */
export class AddressError extends Error {
  constructor(
    readonly reason: 'in_use' | 'invalid' | 'exhausted' | 'no_subnet',
    readonly ip: string | null,
    readonly subnetId: string | null,
    readonly networkId: string,
  ) {
    super(`${reason} ${ip ?? ''}`);
    this.name = 'AddressError';
  }
}

/** Neutron's words for an address it could not give. */
export function addressApiError(e: AddressError): ApiError {
  switch (e.reason) {
    case 'in_use':
      return new ApiError(
        409,
        `IP address ${e.ip} already allocated in subnet ${e.subnetId}`,
        'IpAddressAlreadyAllocated',
      );
    case 'invalid':
      return new ApiError(400, `IP address ${e.ip} is not a valid IP for the specified subnet.`, 'InvalidIpForSubnet');
    case 'exhausted':
      return new ApiError(
        409,
        `No more IP addresses available on network ${e.networkId}.`,
        'IpAddressGenerationFailure',
      );
    case 'no_subnet':
      return new ApiError(
        400,
        `Invalid input for operation: Failed to create port on network ${e.networkId}, because fixed_ips included invalid subnet ${e.subnetId}.`,
        'InvalidInput',
      );
  }
}

export interface PortRequest {
  networkId: string;
  projectId: string;
  name?: string;
  /** Wanted addresses; one address from the network's first subnet when absent. */
  fixedIps?: { subnetId?: string; ipAddress?: string }[];
  deviceId?: string;
  deviceOwner?: string;
  securityGroupIds?: string[];
  adminStateUp?: boolean;
  description?: string;
  hostId?: string;
  tags?: string[];
}

/** Neutron's OUI for the MACs it generates. */
export const randomMac = (): string =>
  `fa:16:3e:${[...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;

/**
 * Makes a port on `network` with addresses from its subnets (the pool of a subnet is shared by
 * every region with that CIDR). Either every address is taken or none: a failure releases what
 * was already claimed. Throws AddressError.
 */
export function createPort(
  store: SimulatorStore,
  region: RegionState,
  network: Network,
  req: PortRequest,
  now: number,
): Port {
  const fixedIps = allocateAddresses(store, region, network, req.fixedIps);
  const port: Port = {
    id: newId(),
    name: req.name ?? '',
    networkId: network.id,
    projectId: req.projectId,
    macAddress: randomMac(),
    fixedIps,
    deviceId: req.deviceId ?? '',
    deviceOwner: req.deviceOwner ?? '',
    adminStateUp: req.adminStateUp ?? true,
    securityGroupIds: req.securityGroupIds ?? [region.defaultSecurityGroup(req.projectId, now).id],
    description: req.description ?? '',
    hostId: req.hostId ?? '',
    tags: [...new Set(req.tags ?? [])],
    created: now,
    updated: now,
    revision: 1,
  };
  region.ports.set(port.id, port);
  for (const f of fixedIps) store.addressOwners.set(f.ipAddress, { region, portId: port.id });
  return port;
}

/** Claims the wanted addresses (one from the first subnet when none are named), all or none. */
export function allocateAddresses(
  store: SimulatorStore,
  region: RegionState,
  network: Network,
  wanted: PortRequest['fixedIps'],
): FixedIp[] {
  const taken: FixedIp[] = [];
  const release = () => taken.forEach((f) => store.pool(region.subnets.get(f.subnetId)!.cidr).release(f.ipAddress));
  try {
    const requests = wanted?.length ? wanted : [{}];
    for (const w of requests) {
      const subnet = w.subnetId
        ? region.subnets.get(w.subnetId)
        : w.ipAddress
          ? network.subnetIds
              .map((id) => region.subnets.get(id)!)
              .find((s) => store.pool(s.cidr).contains(w.ipAddress!))
          : region.subnets.get(network.subnetIds[0]);
      if (!subnet || subnet.networkId !== network.id) {
        throw new AddressError(
          w.ipAddress ? 'invalid' : 'no_subnet',
          w.ipAddress ?? null,
          w.subnetId ?? null,
          network.id,
        );
      }
      const pool = store.pool(subnet.cidr);
      if (w.ipAddress) {
        if (!pool.contains(w.ipAddress)) throw new AddressError('invalid', w.ipAddress, subnet.id, network.id);
        if (!pool.take(w.ipAddress)) throw new AddressError('in_use', w.ipAddress, subnet.id, network.id);
        taken.push({ subnetId: subnet.id, ipAddress: w.ipAddress });
      } else {
        const ip = pool.allocate();
        if (!ip) throw new AddressError('exhausted', null, subnet.id, network.id);
        taken.push({ subnetId: subnet.id, ipAddress: ip });
      }
    }
    return taken;
  } catch (e) {
    release();
    throw e;
  }
}

/** Gives a port's addresses back to their pools. */
export function releaseAddresses(store: SimulatorStore, region: RegionState, port: Port): void {
  for (const f of port.fixedIps) {
    const subnet = region.subnets.get(f.subnetId);
    if (subnet) store.pool(subnet.cidr).release(f.ipAddress);
    if (store.addressOwners.get(f.ipAddress)?.portId === port.id) store.addressOwners.delete(f.ipAddress);
  }
}

/** Deletes a port: its addresses go back to the pool and floating IPs on it are disassociated. */
export function deletePort(store: SimulatorStore, region: RegionState, port: Port, now: number): void {
  region.ports.delete(port.id);
  releaseAddresses(store, region, port);
  for (const fip of region.floatingIps.values()) {
    if (fip.portId === port.id) {
      fip.portId = null;
      fip.fixedIpAddress = null;
      fip.updated = now;
      fip.revision += 1;
    }
  }
}

/** Detaches a port from the server it was given to (Nova does not delete ports it did not make). */
export function detachPort(port: Port, now: number): void {
  port.deviceId = '';
  port.deviceOwner = '';
  port.hostId = '';
  port.updated = now;
  port.revision += 1;
}

/** Whether the project may see (and use) the network: its own, shared, external, or any for an admin. */
export const networkVisible = (n: Network, projectId: string, isAdmin: boolean): boolean =>
  isAdmin || n.shared || n.external || n.projectId === projectId;
