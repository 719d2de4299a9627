import { settleServer, statusOf } from '../compute/server-state';
import { serverAddresses } from '../compute/server.view';
import { LOCAL_HOST, settleContainer } from '../docker/docker-hosts';
import type { RegionApi } from '../http/api-context';
import { badRequest } from '../http/api-error';
import { isoSeconds } from '../http/times';
import { settleAll } from '../load-balancer/lb-lifecycle';
import { settleStack } from '../orchestration/stack-lifecycle';
import type { Caller } from '../store/identity-state';
import type { RegionState } from '../store/region-state';
import type { LbObject, Server, Stack } from '../store/resources';
import type { SimulatorStore } from '../store/simulator-store';

/** What clients make, and what can vanish through the admin API. */
export const RESOURCE_TYPES = [
  'servers',
  'stacks',
  'containers',
  'ports',
  'floatingips',
  'keypairs',
  'servergroups',
  'loadbalancers',
  'listeners',
  'pools',
  'members',
  'healthmonitors',
] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];
/** What the admin listing shows: the above, plus what the seed put in every region. */
export const LISTED_TYPES = [...RESOURCE_TYPES, 'flavors', 'images', 'networks'] as const;
export type ListedType = (typeof LISTED_TYPES)[number];

/** Which resources `GET /admin/resources` lists. Every field narrows; all must hold. */
export interface ResourceFilter {
  /** Default: the resource types (not the seeded flavors, images and networks). */
  type?: ListedType | ListedType[];
  region?: string;
  /** A project id or name. */
  project?: string;
  name?: string;
  status?: string;
  /** Server metadata that must be present with these values. */
  metadata?: Record<string, string>;
  /** Container labels that must be present with these values. */
  labels?: Record<string, string>;
  /** Stack or port tags that must all be present. */
  tags?: string[];
  /** Listeners, pools, members and health monitors under this load balancer. */
  loadbalancer_id?: string;
  /** Members of this pool. */
  pool_id?: string;
}

export interface ServerListing {
  id: string;
  name: string;
  status: string;
  vm_state: string;
  task_state: string | null;
  power_state: number;
  region: string;
  project_id: string;
  user_id: string;
  metadata: Record<string, string>;
  /** Network name → addresses. */
  addresses: Record<string, string[]>;
  host: string | null;
  availability_zone: string;
  flavor_id: string;
  image_id: string;
  key_name: string | null;
  stack_id: string | null;
  locked: boolean;
  fault: string | null;
  created: string;
  updated: string;
}

export interface StackListing {
  id: string;
  name: string;
  status: string;
  status_reason: string;
  region: string;
  project_id: string;
  tags: string[];
  parameters: Record<string, unknown>;
  resources: { name: string; type: string; physical_id: string }[];
  created: string;
  updated: string | null;
}

export interface ContainerListing {
  id: string;
  name: string;
  status: string;
  image: string;
  labels: Record<string, string>;
  /** The server whose Docker daemon runs it, or `local`. */
  host: string;
  host_ip: string | null;
  region: string | null;
  project_id: string | null;
  created: string;
}

export interface PortListing {
  id: string;
  name: string;
  network_id: string;
  fixed_ips: string[];
  mac_address: string;
  device_id: string;
  device_owner: string;
  tags: string[];
  region: string;
  project_id: string;
}

export interface FloatingIpListing {
  id: string;
  floating_ip_address: string;
  port_id: string | null;
  description: string;
  fixed_ip_address: string | null;
  region: string;
  project_id: string;
}

export interface KeypairListing {
  name: string;
  user_id: string;
  fingerprint: string;
  region: string;
}

export interface FlavorListing {
  id: string;
  name: string;
  vcpus: number;
  ram: number;
  disk: number;
  region: string;
}

export interface ImageListing {
  id: string;
  name: string;
  status: 'active';
  region: string;
}

export interface NetworkListing {
  id: string;
  name: string;
  external: boolean;
  shared: boolean;
  subnets: { id: string; name: string; cidr: string }[];
  region: string;
}

export interface ServerGroupListing {
  id: string;
  name: string;
  policy: string;
  members: string[];
  region: string;
  project_id: string;
}

/** What every load-balancer object shows: a load balancer's own id as its `loadbalancer_id`. */
export interface LbListing {
  id: string;
  name: string;
  provisioning_status: string;
  operating_status: string;
  admin_state_up: boolean;
  loadbalancer_id: string;
  region: string;
  project_id: string;
}

export interface LoadBalancerListing extends LbListing {
  vip_address: string;
  vip_port_id: string;
  vip_subnet_id: string;
  vip_network_id: string;
  availability_zone: string | null;
  flavor_id: string | null;
}

export interface ListenerListing extends LbListing {
  protocol: string;
  protocol_port: number;
  default_pool_id: string | null;
}

export interface PoolListing extends LbListing {
  listener_id: string | null;
  protocol: string;
  lb_algorithm: string;
  healthmonitor_id: string | null;
}

export interface MemberListing extends LbListing {
  pool_id: string;
  address: string;
  protocol_port: number;
  subnet_id: string | null;
  weight: number;
}

export interface HealthMonitorListing extends LbListing {
  pool_id: string;
  type: string;
  delay: number;
  timeout: number;
  max_retries: number;
}

export interface ResourceListing {
  flavors?: FlavorListing[];
  images?: ImageListing[];
  networks?: NetworkListing[];
  servers?: ServerListing[];
  stacks?: StackListing[];
  containers?: ContainerListing[];
  ports?: PortListing[];
  floatingips?: FloatingIpListing[];
  keypairs?: KeypairListing[];
  servergroups?: ServerGroupListing[];
  loadbalancers?: LoadBalancerListing[];
  listeners?: ListenerListing[];
  pools?: PoolListing[];
  members?: MemberListing[];
  healthmonitors?: HealthMonitorListing[];
}

export function toStackListing(region: RegionState, s: Stack): StackListing {
  return {
    id: s.id,
    name: s.name,
    status: `${s.action}_${s.status}`,
    status_reason: s.statusReason,
    region: region.name,
    project_id: s.projectId,
    tags: [...s.tags],
    parameters: { ...s.givenParameters },
    resources: [...s.resources.values()].map((r) => ({ name: r.name, type: r.type, physical_id: r.physicalId })),
    created: isoSeconds(s.created),
    updated: s.updated === null ? null : isoSeconds(s.updated),
  };
}

/** An all-powerful caller for reads the simulator makes on its own behalf (the admin API has no token). */
export function systemApi(store: SimulatorStore, region: RegionState): RegionApi {
  const project = store.identity.projects.get(store.adminProjectId)!;
  const caller: Caller = {
    token: {
      id: '',
      userId: 'simulator',
      projectId: project.id,
      roles: [],
      methods: [],
      issuedAt: 0,
      expiresAt: Infinity,
      auditId: '',
    },
    user: { id: 'simulator', name: 'simulator', domainId: project.domainId, password: '', email: null },
    project,
    roleNames: ['admin'],
    isAdmin: true,
  };
  return { caller, region, baseUrl: store.url };
}

/** `?type=servers&region=…&project=…&metadata.cluster_id=…&labels.k=v&tag=t&name=…&status=…` as a filter. */
export function filterFromQuery(q: Record<string, string | string[] | undefined>): ResourceFilter {
  const f: ResourceFilter = {};
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[v.length - 1] : v);
  for (const [key, raw] of Object.entries(q)) {
    if (raw === undefined) continue;
    const v = one(raw)!;
    if (key === 'type') {
      const types = (Array.isArray(raw) ? raw : [raw]).flatMap((t) => t.split(','));
      for (const t of types)
        if (!(LISTED_TYPES as readonly string[]).includes(t))
          throw badRequest(`unknown type '${t}' (one of ${LISTED_TYPES.join(', ')})`);
      f.type = types as ListedType[];
    } else if (['region', 'project', 'name', 'status', 'loadbalancer_id', 'pool_id'].includes(key))
      f[key as 'region' | 'project' | 'name' | 'status' | 'loadbalancer_id' | 'pool_id'] = v;
    else if (key.startsWith('metadata.')) (f.metadata ??= {})[key.slice('metadata.'.length)] = v;
    else if (key.startsWith('labels.')) (f.labels ??= {})[key.slice('labels.'.length)] = v;
    else if (key === 'tag' || key === 'tags') f.tags = (Array.isArray(raw) ? raw : [raw]).flatMap((t) => t.split(','));
    else throw badRequest(`unknown filter '${key}'`);
  }
  return f;
}

const hasAll = (have: Record<string, string>, want: Record<string, string> | undefined) =>
  !want || Object.entries(want).every(([k, v]) => have[k] === v);

export function toServerListing(region: RegionState, s: Server): ServerListing {
  return {
    id: s.id,
    name: s.name,
    status: statusOf(s),
    vm_state: s.vmState,
    task_state: s.taskState,
    power_state: s.powerState,
    region: region.name,
    project_id: s.projectId,
    user_id: s.userId,
    metadata: { ...s.metadata },
    addresses: Object.fromEntries(
      Object.entries(serverAddresses(region, s)).map(([net, list]) => [net, list.map((a) => String(a.addr))]),
    ),
    host: s.host,
    availability_zone: s.zone,
    flavor_id: s.flavorId,
    image_id: s.imageId,
    key_name: s.keyName,
    stack_id: s.stackId,
    locked: s.locked,
    fault: statusOf(s) === 'ERROR' ? (s.fault?.message ?? null) : null,
    created: isoSeconds(s.created),
    updated: isoSeconds(s.updated),
  };
}

/**
 * Everything that exists, across regions and projects, brought up to date first (builds that
 * finished, deletes that completed), with each object's region and project.
 */
export function listResources(store: SimulatorStore, f: ResourceFilter = {}): ResourceListing {
  const types = new Set<ListedType>(f.type === undefined ? RESOURCE_TYPES : Array.isArray(f.type) ? f.type : [f.type]);
  const now = Date.now();
  const projectId =
    f.project === undefined
      ? undefined
      : (store.identity.projects.get(f.project)?.id ??
        [...store.identity.projects.values()].find((p) => p.name === f.project)?.id ??
        f.project);
  const regions = [...store.regions.values()].filter((r) => f.region === undefined || r.name === f.region);
  const inProject = (id: string | null) => projectId === undefined || id === projectId;
  const named = (name: string) => f.name === undefined || name === f.name;
  const out: ResourceListing = {};

  if (types.has('flavors')) {
    out.flavors = regions.flatMap((region) =>
      [...region.flavors.values()]
        .filter((x) => named(x.name))
        .map((x) => ({ id: x.id, name: x.name, vcpus: x.vcpus, ram: x.ram, disk: x.disk, region: region.name })),
    );
  }
  if (types.has('images')) {
    out.images = regions.flatMap((region) =>
      [...region.images.values()]
        .filter((x) => named(x.name))
        .map((x) => ({ id: x.id, name: x.name, status: 'active' as const, region: region.name })),
    );
  }
  if (types.has('networks')) {
    out.networks = regions.flatMap((region) =>
      [...region.networks.values()]
        .filter((x) => named(x.name))
        .map((x) => ({
          id: x.id,
          name: x.name,
          external: x.external,
          shared: x.shared,
          subnets: x.subnetIds
            .map((id) => region.subnets.get(id)!)
            .map((sn) => ({ id: sn.id, name: sn.name, cidr: sn.cidr })),
          region: region.name,
        })),
    );
  }

  if (types.has('servers')) {
    out.servers = [];
    for (const region of regions) {
      for (const raw of region.servers.values()) {
        const s = settleServer(store, region, raw, now);
        if (!s || !inProject(s.projectId) || !named(s.name) || !hasAll(s.metadata, f.metadata)) continue;
        const view = toServerListing(region, s);
        if (f.status === undefined || view.status === f.status) out.servers.push(view);
      }
    }
  }
  if (types.has('stacks')) {
    out.stacks = [];
    for (const region of regions) {
      const api = systemApi(store, region);
      for (const raw of [...region.stacks.values()]) {
        const s = settleStack(store, api, raw, now);
        if (!s || !inProject(s.projectId) || !named(s.name)) continue;
        if (f.tags && !f.tags.every((t) => s.tags.includes(t))) continue;
        const view = toStackListing(region, s);
        if (f.status === undefined || view.status === f.status) out.stacks.push(view);
      }
    }
  }
  if (types.has('containers')) {
    out.containers = [];
    for (const host of [...store.dockerHosts.values()]) {
      let region: RegionState | null = null;
      let server: Server | null = null;
      if (host.key !== LOCAL_HOST) {
        for (const r of store.regions.values()) {
          const raw = r.servers.get(host.key);
          if (raw) {
            region = r;
            server = settleServer(store, r, raw, now);
            break;
          }
        }
        // The server went away: its containers went with it.
        if (!server) {
          store.dockerHosts.delete(host.key);
          continue;
        }
      }
      if (f.region !== undefined && region?.name !== f.region) continue;
      if (!inProject(server?.projectId ?? null)) continue;
      const hostIp =
        server && region
          ? ((Object.values(serverAddresses(region, server))[0]?.[0]?.addr as string | undefined) ?? null)
          : null;
      for (const c of host.containers.values()) {
        settleContainer(c, now);
        if (!named(c.name) || !hasAll(c.labels, f.labels) || (f.status !== undefined && c.status !== f.status))
          continue;
        out.containers.push({
          id: c.id,
          name: c.name,
          status: c.status,
          image: c.image,
          labels: { ...c.labels },
          host: host.key,
          host_ip: hostIp,
          region: region?.name ?? null,
          project_id: server?.projectId ?? null,
          created: isoSeconds(c.created),
        });
      }
    }
  }
  if (types.has('ports')) {
    out.ports = regions.flatMap((region) =>
      [...region.ports.values()]
        .filter((p) => inProject(p.projectId) && named(p.name) && (f.tags ?? []).every((t) => p.tags.includes(t)))
        .map((p) => ({
          id: p.id,
          name: p.name,
          network_id: p.networkId,
          fixed_ips: p.fixedIps.map((x) => x.ipAddress),
          mac_address: p.macAddress,
          device_id: p.deviceId,
          device_owner: p.deviceOwner,
          tags: [...p.tags],
          region: region.name,
          project_id: p.projectId,
        })),
    );
  }
  if (types.has('floatingips')) {
    out.floatingips = regions.flatMap((region) =>
      [...region.floatingIps.values()]
        .filter((x) => inProject(x.projectId))
        .map((x) => ({
          id: x.id,
          floating_ip_address: x.floatingIpAddress,
          port_id: x.portId,
          fixed_ip_address: x.fixedIpAddress,
          description: x.description,
          region: region.name,
          project_id: x.projectId,
        })),
    );
  }
  if (types.has('servergroups')) {
    out.servergroups = regions.flatMap((region) =>
      [...region.serverGroups.values()]
        .filter((g) => inProject(g.projectId) && named(g.name))
        .map((g) => ({
          id: g.id,
          name: g.name,
          policy: g.policy,
          members: [...g.members],
          region: region.name,
          project_id: g.projectId,
        })),
    );
  }
  const lbTypes = ['loadbalancers', 'listeners', 'pools', 'members', 'healthmonitors'] as const;
  if (lbTypes.some((t) => types.has(t))) {
    for (const region of regions) settleAll(region, now);
    const lbObjects = <T extends LbObject, V>(
      pick: (region: RegionState) => Iterable<T>,
      view: (o: T) => V,
    ): (LbListing & V)[] =>
      regions.flatMap((region) =>
        [...pick(region)]
          .filter(
            (o) =>
              inProject(o.projectId) &&
              named(o.name) &&
              (f.status === undefined || o.provisioningStatus === f.status) &&
              (f.loadbalancer_id === undefined || o.loadBalancerId === f.loadbalancer_id) &&
              (f.pool_id === undefined || (o as { poolId?: string }).poolId === f.pool_id),
          )
          .map((o) => ({
            id: o.id,
            name: o.name,
            provisioning_status: o.provisioningStatus,
            operating_status: o.operatingStatus,
            admin_state_up: o.adminStateUp,
            loadbalancer_id: o.loadBalancerId,
            region: region.name,
            project_id: o.projectId,
            ...view(o),
          })),
      );
    if (types.has('loadbalancers'))
      out.loadbalancers = lbObjects(
        (r) => r.loadBalancers.values(),
        (lb) => ({
          vip_address: lb.vipAddress,
          vip_port_id: lb.vipPortId,
          vip_subnet_id: lb.vipSubnetId,
          vip_network_id: lb.vipNetworkId,
          availability_zone: lb.availabilityZone,
          flavor_id: lb.flavorId,
        }),
      );
    if (types.has('listeners'))
      out.listeners = lbObjects(
        (r) => r.listeners.values(),
        (l) => ({ protocol: l.protocol, protocol_port: l.protocolPort, default_pool_id: l.defaultPoolId }),
      );
    if (types.has('pools'))
      out.pools = lbObjects(
        (r) => r.lbPools.values(),
        (p) => ({
          listener_id: p.listenerId,
          protocol: p.protocol,
          lb_algorithm: p.lbAlgorithm,
          healthmonitor_id: p.healthMonitorId,
        }),
      );
    if (types.has('members'))
      out.members = lbObjects(
        (r) => r.lbMembers.values(),
        (m) => ({
          pool_id: m.poolId,
          address: m.address,
          protocol_port: m.protocolPort,
          subnet_id: m.subnetId,
          weight: m.weight,
        }),
      );
    if (types.has('healthmonitors'))
      out.healthmonitors = lbObjects(
        (r) => r.healthMonitors.values(),
        (h) => ({ pool_id: h.poolId, type: h.type, delay: h.delay, timeout: h.timeout, max_retries: h.maxRetries }),
      );
  }
  if (types.has('keypairs')) {
    out.keypairs = regions.flatMap((region) =>
      [...region.keypairs.values()]
        .filter((k) => named(k.name))
        .map((k) => ({ name: k.name, user_id: k.userId, fingerprint: k.fingerprint, region: region.name })),
    );
  }
  return out;
}
