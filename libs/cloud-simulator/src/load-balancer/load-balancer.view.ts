import { naiveSeconds } from '../http/times';
import type { RegionState } from '../store/region-state';
import type { HealthMonitor, LbMember, LbObject, LbPool, Listener, LoadBalancer } from '../store/resources';

/** The fields every Octavia object shows. */
const common = (o: LbObject) => ({
  id: o.id,
  name: o.name,
  description: o.description,
  provisioning_status: o.provisioningStatus,
  operating_status: o.operatingStatus,
  admin_state_up: o.adminStateUp,
  project_id: o.projectId,
  created_at: naiveSeconds(o.created),
  updated_at: o.updated === null ? null : naiveSeconds(o.updated),
  tags: [] as string[],
});

const ids = <T extends { id: string }>(items: Iterable<T>, keep: (o: T) => boolean) =>
  [...items].filter(keep).map((o) => ({ id: o.id }));

export const toLoadBalancerView = (region: RegionState, lb: LoadBalancer) => ({
  ...common(lb),
  vip_address: lb.vipAddress,
  vip_port_id: lb.vipPortId,
  vip_subnet_id: lb.vipSubnetId,
  vip_network_id: lb.vipNetworkId,
  vip_qos_policy_id: null,
  additional_vips: [],
  listeners: ids(region.listeners.values(), (l) => l.loadBalancerId === lb.id),
  pools: ids(region.lbPools.values(), (p) => p.loadBalancerId === lb.id),
  provider: 'amphora',
  flavor_id: lb.flavorId,
  availability_zone: lb.availabilityZone,
});

export const toListenerView = (l: Listener) => ({
  ...common(l),
  protocol: l.protocol,
  protocol_port: l.protocolPort,
  connection_limit: l.connectionLimit,
  default_tls_container_ref: null,
  sni_container_refs: [],
  default_pool_id: l.defaultPoolId,
  l7policies: [],
  insert_headers: {},
  loadbalancers: [{ id: l.loadBalancerId }],
  timeout_client_data: 50000,
  timeout_member_connect: 5000,
  timeout_member_data: 50000,
  timeout_tcp_inspect: 0,
  client_ca_tls_container_ref: null,
  client_authentication: 'NONE',
  client_crl_container_ref: null,
  allowed_cidrs: null,
  tls_ciphers: null,
  tls_versions: null,
  alpn_protocols: null,
});

export const toPoolView = (region: RegionState, p: LbPool) => ({
  ...common(p),
  protocol: p.protocol,
  lb_algorithm: p.lbAlgorithm,
  session_persistence: p.sessionPersistence
    ? { ...p.sessionPersistence, persistence_timeout: null, persistence_granularity: null }
    : null,
  loadbalancers: [{ id: p.loadBalancerId }],
  listeners: p.listenerId ? [{ id: p.listenerId }] : [],
  healthmonitor_id: p.healthMonitorId,
  members: ids(region.lbMembers.values(), (m) => m.poolId === p.id),
  tls_container_ref: null,
  ca_tls_container_ref: null,
  crl_container_ref: null,
  tls_enabled: false,
  tls_ciphers: null,
  tls_versions: null,
  alpn_protocols: null,
});

export const toMemberView = (m: LbMember) => {
  const { description: _, ...rest } = common(m);
  return {
    ...rest,
    address: m.address,
    protocol_port: m.protocolPort,
    weight: m.weight,
    backup: m.backup,
    subnet_id: m.subnetId,
    monitor_address: null,
    monitor_port: null,
  };
};

export const toHealthMonitorView = (h: HealthMonitor) => {
  const { description: _, ...rest } = common(h);
  return {
    ...rest,
    type: h.type,
    delay: h.delay,
    timeout: h.timeout,
    max_retries: h.maxRetries,
    max_retries_down: h.maxRetriesDown,
    http_method: h.httpMethod,
    url_path: h.urlPath,
    expected_codes: h.expectedCodes,
    pools: [{ id: h.poolId }],
    http_version: null,
    domain_name: null,
  };
};
