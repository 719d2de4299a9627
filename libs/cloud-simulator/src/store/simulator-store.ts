import type { SimulatorSeed } from '../seed/seed';
import type { CloudEvents } from './cloud-events';
import { FailNextRules } from './fail-next';
import { IdentityState } from './identity-state';
import { Ipv4Pool } from './ip-pool';
import { DEFAULT_KNOBS, type SimulatorKnobs } from './knobs';
import { RegionState } from './region-state';
import { RequestCounters } from './request-stats';
import type { DockerHost } from './resources';

/** Who holds an address: the port with that fixed IP, or the floating IP's id. */
export interface AddressOwner {
  region: RegionState;
  portId?: string;
  floatingIpId?: string;
}

/** Templates uploaded to `/admin/templates/{name}`, which Heat's template_url may point at. */
export type TemplateDocuments = Map<string, unknown>;

/**
 * The whole simulated cloud, in one process and in memory: identity, every region, the Docker
 * hosts, and the admin knobs. Every API reads and writes here, so all clients see one cloud.
 *
 * Address pools are keyed by CIDR across regions: two regions seeded with the same `private`
 * network never hand out the same loopback address, because the Docker API finds its host by
 * the address a request arrived on.
 */
export class SimulatorStore {
  readonly identity: IdentityState;
  readonly regions = new Map<string, RegionState>();
  readonly pools = new Map<string, Ipv4Pool>();
  readonly addressOwners = new Map<string, AddressOwner>();
  readonly dockerHosts = new Map<string, DockerHost>();
  readonly failNext = new FailNextRules();
  readonly stats = new RequestCounters();
  readonly templates: TemplateDocuments = new Map();
  knobs: SimulatorKnobs = DEFAULT_KNOBS;
  /** Where the OpenStack APIs listen, for links when a request has no Host header. Set once listening. */
  url = 'http://127.0.0.1';
  /** The project that owns seeded networks and images (the one named `admin`, else the first). */
  readonly adminProjectId: string;
  /** Where servers' and stacks' changes are announced; null when notifications are off. */
  events: CloudEvents | null = null;

  constructor(readonly seed: SimulatorSeed) {
    this.identity = new IdentityState(seed);
    this.adminProjectId = (seed.projects.find((p) => p.name === 'admin') ?? seed.projects[0]).id;
    const now = Date.now();
    for (const r of seed.regions) this.regions.set(r, new RegionState(r, seed, this.adminProjectId, now));
    for (const n of seed.networks)
      for (const s of n.subnets) this.pools.set(s.cidr, new Ipv4Pool(s.cidr, gatewayOf(this, s.id)));
  }

  pool(cidr: string): Ipv4Pool {
    const p = this.pools.get(cidr);
    if (!p) throw new Error(`no address pool for ${cidr}`);
    return p;
  }

  /** Back to the seed with default knobs; tokens stay valid. */
  reset(): void {
    for (const r of this.regions.values()) r.reset();
    for (const p of this.pools.values()) p.clear();
    this.addressOwners.clear();
    this.dockerHosts.clear();
    this.failNext.clear();
    this.stats.reset();
    this.templates.clear();
    this.knobs = DEFAULT_KNOBS;
  }
}

function gatewayOf(store: SimulatorStore, subnetId: string): string | null {
  for (const r of store.regions.values()) {
    const s = r.subnets.get(subnetId);
    if (s) return s.gatewayIp;
  }
  return null;
}
