import { createHash } from 'node:crypto';

/** The services in the catalog: type, Keystone's service name, and the path of its endpoint in a region. */
const SERVICES: { type: string; name: string; path: (region: string, projectId: string) => string }[] = [
  { type: 'identity', name: 'keystone', path: () => '/identity/v3' },
  { type: 'compute', name: 'nova', path: (r) => `/${r}/compute/v2.1` },
  { type: 'image', name: 'glance', path: (r) => `/${r}/image` },
  { type: 'network', name: 'neutron', path: (r) => `/${r}/network` },
  { type: 'orchestration', name: 'heat', path: (r, p) => `/${r}/orchestration/v1/${p}` },
  { type: 'load-balancer', name: 'octavia', path: (r) => `/${r}/load-balancer` },
];

const INTERFACES = ['public', 'internal', 'admin'] as const;

const stableId = (...parts: string[]) => createHash('md5').update(parts.join('/')).digest('hex');

export interface CatalogEndpoint {
  id: string;
  interface: (typeof INTERFACES)[number];
  region: string;
  region_id: string;
  url: string;
}

export interface CatalogEntry {
  id: string;
  type: string;
  name: string;
  endpoints: CatalogEndpoint[];
}

/**
 * The service catalog of a project-scoped token: every service in every region, under the three
 * interfaces (same URLs, as devstack registers them). Image, network and load-balancer endpoints are unversioned,
 * as deployments usually register them; Heat's carries the project id.
 */
export function serviceCatalog(baseUrl: string, regions: Iterable<string>, projectId: string): CatalogEntry[] {
  const regionList = [...regions];
  return SERVICES.map((s) => ({
    id: stableId('service', s.type),
    type: s.type,
    name: s.name,
    endpoints: regionList.flatMap((region) =>
      INTERFACES.map((iface) => ({
        id: stableId('endpoint', s.type, region, iface),
        interface: iface,
        region,
        region_id: region,
        url: `${baseUrl}${s.path(region, projectId)}`,
      })),
    ),
  }));
}
