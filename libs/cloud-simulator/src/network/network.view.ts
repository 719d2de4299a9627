import { createHash } from 'node:crypto';
import { isoSeconds } from '../http/times';
import type { SimulatorStore } from '../store/simulator-store';
import type { FloatingIp, Network, Port, SecurityGroup, Subnet } from '../store/resources';

const common = (projectId: string, created: number, updated = created, revision = 1) => ({
  tenant_id: projectId,
  project_id: projectId,
  tags: [] as string[],
  created_at: isoSeconds(created),
  updated_at: isoSeconds(updated),
  revision_number: revision,
});

export const toNetworkView = (n: Network) => ({
  id: n.id,
  name: n.name,
  description: '',
  admin_state_up: true,
  status: 'ACTIVE',
  subnets: [...n.subnetIds],
  shared: n.shared,
  'router:external': n.external,
  mtu: n.mtu,
  availability_zone_hints: [],
  availability_zones: ['nova'],
  ipv4_address_scope: null,
  ipv6_address_scope: null,
  port_security_enabled: true,
  is_default: n.external,
  ...common(n.projectId, n.created),
});

export const toSubnetView = (store: SimulatorStore, s: Subnet) => ({
  id: s.id,
  name: s.name,
  network_id: s.networkId,
  description: '',
  ip_version: 4,
  cidr: s.cidr,
  gateway_ip: s.gatewayIp,
  allocation_pools: [store.pool(s.cidr).range],
  enable_dhcp: true,
  dns_nameservers: [],
  host_routes: [],
  ipv6_ra_mode: null,
  ipv6_address_mode: null,
  subnetpool_id: null,
  service_types: [],
  ...common(s.projectId, s.created),
});

export const toPortView = (p: Port) => ({
  id: p.id,
  name: p.name,
  network_id: p.networkId,
  description: p.description,
  admin_state_up: p.adminStateUp,
  status: p.deviceId ? 'ACTIVE' : 'DOWN',
  mac_address: p.macAddress,
  fixed_ips: p.fixedIps.map((f) => ({ subnet_id: f.subnetId, ip_address: f.ipAddress })),
  device_id: p.deviceId,
  device_owner: p.deviceOwner,
  security_groups: [...p.securityGroupIds],
  allowed_address_pairs: [],
  extra_dhcp_opts: [],
  port_security_enabled: true,
  'binding:vnic_type': 'normal',
  'binding:host_id': p.hostId,
  ...common(p.projectId, p.created, p.updated, p.revision),
  tags: [...p.tags],
});

export const toFloatingIpView = (f: FloatingIp) => ({
  id: f.id,
  floating_ip_address: f.floatingIpAddress,
  floating_network_id: f.floatingNetworkId,
  router_id: null,
  port_id: f.portId,
  fixed_ip_address: f.fixedIpAddress,
  status: f.portId ? 'ACTIVE' : 'DOWN',
  description: f.description,
  qos_policy_id: null,
  port_forwardings: [],
  ...common(f.projectId, f.created, f.updated, f.revision),
});

const ruleId = (...parts: string[]) =>
  createHash('md5')
    .update(parts.join('/'))
    .digest('hex')
    .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');

/** Neutron's default group rules: all egress, and ingress from members of the same group. */
export const toSecurityGroupView = (g: SecurityGroup) => ({
  id: g.id,
  name: g.name,
  description: g.description,
  stateful: true,
  security_group_rules: (['IPv4', 'IPv6'] as const).flatMap((ethertype) =>
    (['egress', 'ingress'] as const).map((direction) => ({
      id: ruleId(g.id, ethertype, direction),
      security_group_id: g.id,
      direction,
      ethertype,
      protocol: null,
      port_range_min: null,
      port_range_max: null,
      remote_ip_prefix: null,
      remote_group_id: direction === 'ingress' ? g.id : null,
      description: null,
      ...common(g.projectId, g.created),
    })),
  ),
  ...common(g.projectId, g.created),
});
