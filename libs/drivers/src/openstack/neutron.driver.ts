import { isUuid } from '@grove/core';
import { LookupCache } from '../http/lookup-cache';
import type { FloatingIp, Network, NetworkDriver, Port, PortCreate, Subnet } from '../network/network.driver';
import type { OpenStackService } from './openstack-service';
import { ownedBy } from './project-scope';

interface RawPort {
  id: string;
  network_id: string;
  fixed_ips?: { subnet_id: string; ip_address: string }[];
  device_id?: string;
  mac_address?: string;
  tags?: string[];
}
interface RawFip {
  id: string;
  floating_ip_address: string;
  port_id: string | null;
  description?: string;
}

interface RawNetwork {
  id: string;
  name: string;
  subnets?: string[];
  shared?: boolean;
  'router:external'?: boolean;
}
interface RawSubnet {
  id: string;
  name: string;
  network_id: string;
  cidr: string;
  ip_version: number;
}

/** Whether the calls' project may use a resource Neutron showed. */
type Visible<T> = (raw: T, project: string, signal?: AbortSignal) => Promise<boolean>;

const toPort = (p: RawPort): Port => ({
  id: p.id,
  networkId: p.network_id,
  fixedIps: (p.fixed_ips ?? []).map((f) => ({ subnetId: f.subnet_id, ipAddress: f.ip_address })),
  deviceId: p.device_id ?? '',
  macAddress: p.mac_address ?? '',
});
const toFip = (f: RawFip): FloatingIp => ({
  id: f.id,
  address: f.floating_ip_address,
  portId: f.port_id,
  description: f.description ?? '',
});

export class NeutronDriver implements NetworkDriver {
  private readonly lookups = new LookupCache();

  constructor(private readonly neutron: OpenStackService) {}

  /**
   * By id when the value is a UUID and such a thing exists, else by exact name; remembered a
   * minute. Only what `visible` lets the calls' project see counts: another project's port or
   * security group is not found, even by an admin account that Neutron shows everything to.
   */
  private find<T extends object>(
    collection: string,
    nameOrId: string,
    visible: Visible<T>,
    signal?: AbortSignal,
  ): Promise<T | null> {
    return this.lookups.get(collection, nameOrId, () => this.lookup<T>(collection, nameOrId, visible, signal));
  }

  private async lookup<T extends object>(
    collection: string,
    nameOrId: string,
    visible: Visible<T>,
    signal?: AbortSignal,
  ): Promise<T | null> {
    const project = await this.neutron.project(signal);
    // Paths are dashed (`security-groups`), body keys underscored (`security_groups`).
    const plural = collection.replace(/-/g, '_');
    const singular = plural.replace(/ies$/, 'y').replace(/s$/, '');
    if (isUuid(nameOrId)) {
      const res = await this.neutron.call<Record<string, T>>('GET', `/${collection}/${nameOrId}`, {
        expect: [404],
        signal,
      });
      if (res.status !== 404 && (await visible(res.body[singular], project, signal))) return res.body[singular];
    }
    const res = await this.neutron.call<Record<string, T[]>>(
      'GET',
      `/${collection}?name=${encodeURIComponent(nameOrId)}`,
      {
        signal,
      },
    );
    for (const found of res.body[plural] ?? []) if (await visible(found, project, signal)) return found;
    return null;
  }

  /** A network the project owns, or one shared with every project, or an external one (floating IPs). */
  private readonly networkVisible: Visible<RawNetwork> = async (n, project) =>
    ownedBy(n, project) || n.shared === true || n['router:external'] === true;

  /** A subnet the project owns, or one on a network it may use. */
  private readonly subnetVisible: Visible<RawSubnet> = async (s, project, signal) =>
    ownedBy(s, project) ||
    (await this.find<RawNetwork>('networks', s.network_id, this.networkVisible, signal)) !== null;

  private readonly ownVisible: Visible<object> = async (o, project) => ownedBy(o, project);

  async findNetwork(nameOrId: string, signal?: AbortSignal): Promise<Network | null> {
    const n = await this.find<RawNetwork>('networks', nameOrId, this.networkVisible, signal);
    return n ? { id: n.id, name: n.name, subnets: n.subnets ?? [], external: n['router:external'] ?? false } : null;
  }

  async findSubnet(nameOrId: string, signal?: AbortSignal): Promise<Subnet | null> {
    const s = await this.find<RawSubnet>('subnets', nameOrId, this.subnetVisible, signal);
    return s
      ? { id: s.id, name: s.name, networkId: s.network_id, cidr: s.cidr, ipVersion: s.ip_version === 6 ? 6 : 4 }
      : null;
  }

  async findSecurityGroup(nameOrId: string, signal?: AbortSignal) {
    const g = await this.find<{ id: string; name: string }>('security-groups', nameOrId, this.ownVisible, signal);
    return g ? { id: g.id, name: g.name } : null;
  }

  async createPort(req: PortCreate, signal?: AbortSignal): Promise<Port> {
    const port: Record<string, unknown> = { network_id: req.networkId, admin_state_up: true };
    if (req.name) port.name = req.name;
    if (req.fixedIps?.length) port.fixed_ips = req.fixedIps;
    if (req.securityGroups?.length) port.security_groups = req.securityGroups;
    if (req.vnicType) port['binding:vnic_type'] = req.vnicType;
    if (req.tags?.length) port.tags = req.tags;
    const res = await this.neutron.call<{ port: RawPort }>('POST', '/ports', { body: { port }, signal });
    const made = res.body.port;
    // Neutron before 2023.1 drops tags given in a create (unless ML2 has its
    // tag_ports_during_bulk_creation extension): tag the port right after, and never keep it untagged.
    if (req.tags?.length && !req.tags.every((t) => made.tags?.includes(t))) {
      try {
        await this.neutron.call('PUT', `/ports/${made.id}/tags`, { body: { tags: req.tags }, signal });
      } catch (err) {
        await this.deletePort(made.id).catch(() => undefined);
        throw err;
      }
    }
    return toPort(made);
  }

  async getPort(id: string, signal?: AbortSignal): Promise<Port | null> {
    const res = await this.neutron.call<{ port: RawPort }>('GET', `/ports/${id}`, { expect: [404], signal });
    if (res.status === 404 || !ownedBy(res.body.port, await this.neutron.project(signal))) return null;
    return toPort(res.body.port);
  }

  async listPorts(filter: { tags: string[] }, signal?: AbortSignal): Promise<Port[]> {
    const project = await this.neutron.project(signal);
    const q = new URLSearchParams({ tags: filter.tags.join(','), project_id: project });
    const res = await this.neutron.call<{ ports: RawPort[] }>('GET', `/ports?${q}`, { signal });
    return (res.body.ports ?? []).filter((p) => ownedBy(p, project)).map(toPort);
  }

  async setPortSecurityGroups(id: string, securityGroups: string[], signal?: AbortSignal): Promise<void> {
    await this.neutron.call('PUT', `/ports/${id}`, { body: { port: { security_groups: securityGroups } }, signal });
  }

  async deletePort(id: string, signal?: AbortSignal): Promise<void> {
    await this.neutron.call('DELETE', `/ports/${id}`, { expect: [404], signal });
  }

  async createFloatingIp(
    req: { networkId: string; portId: string; address?: string; description?: string },
    signal?: AbortSignal,
  ) {
    const floatingip: Record<string, unknown> = { floating_network_id: req.networkId, port_id: req.portId };
    if (req.address) floatingip.floating_ip_address = req.address;
    if (req.description) floatingip.description = req.description;
    const res = await this.neutron.call<{ floatingip: RawFip }>('POST', '/floatingips', {
      body: { floatingip },
      signal,
    });
    return toFip(res.body.floatingip);
  }

  async findFloatingIp(address: string, signal?: AbortSignal): Promise<FloatingIp | null> {
    // Only the project's own: an admin account would find (and then take) another project's.
    const project = await this.neutron.project(signal);
    const q = new URLSearchParams({ floating_ip_address: address, project_id: project });
    const res = await this.neutron.call<{ floatingips: RawFip[] }>('GET', `/floatingips?${q}`, { signal });
    const f = res.body.floatingips?.find((x) => ownedBy(x, project));
    return f ? toFip(f) : null;
  }

  async portFloatingIps(portId: string, signal?: AbortSignal): Promise<FloatingIp[]> {
    const res = await this.neutron.call<{ floatingips: RawFip[] }>(
      'GET',
      `/floatingips?port_id=${encodeURIComponent(portId)}`,
      { signal },
    );
    return (res.body.floatingips ?? []).map(toFip);
  }

  async updateFloatingIp(id: string, portId: string | null, signal?: AbortSignal): Promise<void> {
    await this.neutron.call('PUT', `/floatingips/${id}`, { body: { floatingip: { port_id: portId } }, signal });
  }

  async deleteFloatingIp(id: string, signal?: AbortSignal): Promise<void> {
    await this.neutron.call('DELETE', `/floatingips/${id}`, { expect: [404], signal });
  }
}
