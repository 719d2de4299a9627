import { createHash } from 'node:crypto';
import type { RegionApi } from '../http/api-context';
import { isoSeconds, naiveMicros } from '../http/times';
import type { RegionState } from '../store/region-state';
import type { Server } from '../store/resources';
import { statusOf } from './server-state';

/** Nova's URLs for one region: the versioned base (self links) and the unversioned one (bookmarks). */
export const computeUrls = (api: Pick<RegionApi, 'baseUrl' | 'region'>) => ({
  self: `${api.baseUrl}/${api.region.name}/compute/v2.1`,
  bookmark: `${api.baseUrl}/${api.region.name}/compute`,
});

export const links = (api: Pick<RegionApi, 'baseUrl' | 'region'>, collection: string, id: string) => {
  const u = computeUrls(api);
  return [
    { rel: 'self', href: `${u.self}/${collection}/${id}` },
    { rel: 'bookmark', href: `${u.bookmark}/${collection}/${id}` },
  ];
};

/** Nova's hostId: an opaque per-project hash of the host, so tenants can tell co-location but not the host. */
const hostId = (s: Server): string =>
  s.host ? createHash('sha224').update(`${s.projectId}${s.host}`).digest('hex') : '';

/** Statuses in which Nova shows `progress`. */
const PROGRESS_STATUSES = new Set(['ACTIVE', 'BUILD', 'REBUILD', 'RESIZE', 'VERIFY_RESIZE', 'MIGRATING']);

/** `{network name: [addresses]}`: fixed addresses of each interface, then the floating ones on it. */
export function serverAddresses(region: RegionState, s: Server): Record<string, Record<string, unknown>[]> {
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const sp of s.ports) {
    const port = region.ports.get(sp.portId);
    if (!port || port.deviceId !== s.id) continue;
    const net = region.networks.get(port.networkId);
    const list = (out[net?.name ?? port.networkId] ??= []);
    for (const f of port.fixedIps) {
      list.push({
        version: 4,
        addr: f.ipAddress,
        'OS-EXT-IPS:type': 'fixed',
        'OS-EXT-IPS-MAC:mac_addr': port.macAddress,
      });
    }
    for (const fip of region.floatingIps.values()) {
      if (fip.portId === port.id) {
        list.push({
          version: 4,
          addr: fip.floatingIpAddress,
          'OS-EXT-IPS:type': 'floating',
          'OS-EXT-IPS-MAC:mac_addr': port.macAddress,
        });
      }
    }
  }
  return out;
}

/** Names of the security groups on the server's interfaces. */
function securityGroupNames(region: RegionState, s: Server): string[] {
  const names = new Set<string>();
  for (const sp of s.ports) {
    for (const id of region.ports.get(sp.portId)?.securityGroupIds ?? []) {
      const g = region.securityGroups.get(id);
      if (g) names.add(g.name);
    }
  }
  return [...names];
}

/** The full server body of Nova's 2.1 microversion (`GET /servers/{id}`, `/servers/detail`). */
export function toServerView(api: RegionApi, s: Server): Record<string, unknown> {
  const { region } = api;
  const status = statusOf(s);
  const v: Record<string, unknown> = {
    id: s.id,
    name: s.name,
    status,
    tenant_id: s.projectId,
    user_id: s.userId,
    metadata: { ...s.metadata },
    hostId: hostId(s),
    image: s.imageId
      ? { id: s.imageId, links: [{ rel: 'bookmark', href: `${computeUrls(api).bookmark}/images/${s.imageId}` }] }
      : '',
    flavor: {
      id: s.flavorId,
      links: [{ rel: 'bookmark', href: `${computeUrls(api).bookmark}/flavors/${s.flavorId}` }],
    },
    created: isoSeconds(s.created),
    updated: isoSeconds(s.updated),
    addresses: serverAddresses(region, s),
    accessIPv4: s.accessIPv4,
    accessIPv6: s.accessIPv6,
    links: links(api, 'servers', s.id),
    'OS-DCF:diskConfig': s.diskConfig,
    'OS-EXT-AZ:availability_zone': s.zone,
    config_drive: s.configDrive,
    key_name: s.keyName,
    'OS-SRV-USG:launched_at': s.launchedAt === null ? null : naiveMicros(s.launchedAt),
    'OS-SRV-USG:terminated_at': null,
    'OS-EXT-STS:task_state': s.taskState,
    'OS-EXT-STS:vm_state': s.vmState,
    'OS-EXT-STS:power_state': s.powerState,
    'os-extended-volumes:volumes_attached': [],
  };
  if (PROGRESS_STATUSES.has(status)) v.progress = 0;
  if (status === 'ERROR' && s.fault)
    v.fault = { code: s.fault.code, created: isoSeconds(s.fault.created), message: s.fault.message };
  const groups = securityGroupNames(region, s);
  if (groups.length) v.security_groups = groups.map((name) => ({ name }));
  // Nova's policy shows these extended attributes to admins only.
  if (api.caller.isAdmin) {
    v['OS-EXT-SRV-ATTR:host'] = s.host;
    v['OS-EXT-SRV-ATTR:hypervisor_hostname'] = s.host;
    v['OS-EXT-SRV-ATTR:instance_name'] = s.instanceName;
  }
  return v;
}

/** The short form of `GET /servers`. */
export const toServerSummary = (api: RegionApi, s: Server) => ({
  id: s.id,
  name: s.name,
  links: links(api, 'servers', s.id),
});
