import { createHash } from 'node:crypto';
import type { SimulatorSeed } from '../seed/seed';
import type {
  Flavor,
  FloatingIp,
  HealthMonitor,
  Hypervisor,
  Image,
  Keypair,
  LbMember,
  LbPool,
  Listener,
  LoadBalancer,
  Network,
  Port,
  SecurityGroup,
  Server,
  ServerGroup,
  Stack,
  Subnet,
} from './resources';

/** Deleted stacks still answer `GET /stacks/{name}/{id}` (as DELETE_COMPLETE), as Heat's do; only the latest are kept. */
const MAX_TOMBSTONES = 10_000;

/**
 * One region: a separate cloud with its own servers, ports, stacks and keypairs. Servers are kept
 * in creation order and indexed by id and by project, so a read is O(1) and a project's listing
 * touches only that project's servers.
 */
export class RegionState {
  readonly flavors = new Map<string, Flavor>();
  readonly images = new Map<string, Image>();
  readonly networks = new Map<string, Network>();
  readonly subnets = new Map<string, Subnet>();
  readonly ports = new Map<string, Port>();
  readonly floatingIps = new Map<string, FloatingIp>();
  readonly securityGroups = new Map<string, SecurityGroup>();
  private readonly defaultGroups = new Map<string, string>();
  /** `${userId}/${name}` → keypair. */
  readonly keypairs = new Map<string, Keypair>();
  readonly hypervisors = new Map<string, Hypervisor>();
  /** Servers per hypervisor, for spreading new ones. */
  readonly hostLoad = new Map<string, number>();
  readonly zones: string[];
  readonly servers = new Map<string, Server>();
  readonly serversByProject = new Map<string, Map<string, Server>>();
  readonly stacks = new Map<string, Stack>();
  readonly tombstones = new Map<string, Stack>();
  readonly serverGroups = new Map<string, ServerGroup>();
  readonly loadBalancers = new Map<string, LoadBalancer>();
  readonly listeners = new Map<string, Listener>();
  readonly lbPools = new Map<string, LbPool>();
  readonly lbMembers = new Map<string, LbMember>();
  readonly healthMonitors = new Map<string, HealthMonitor>();
  private instanceCounter = 0;
  private keypairCounter = 0;

  constructor(
    readonly name: string,
    private readonly seed: SimulatorSeed,
    /** The project that owns the seeded networks and images. */
    private readonly ownerProjectId: string,
    private readonly seededAt: number,
  ) {
    this.zones = seed.availability_zones.map((z) => z.name);
    this.load();
  }

  /** Back to the seed: everything made since is forgotten. */
  reset(): void {
    for (const m of [
      this.flavors,
      this.images,
      this.networks,
      this.subnets,
      this.ports,
      this.floatingIps,
      this.securityGroups,
      this.defaultGroups,
      this.keypairs,
      this.hypervisors,
      this.hostLoad,
      this.servers,
      this.serversByProject,
      this.stacks,
      this.tombstones,
      this.serverGroups,
      this.loadBalancers,
      this.listeners,
      this.lbPools,
      this.lbMembers,
      this.healthMonitors,
    ]) {
      m.clear();
    }
    this.instanceCounter = 0;
    this.keypairCounter = 0;
    this.load();
  }

  private load(): void {
    const t = this.seededAt;
    for (const f of this.seed.flavors) {
      this.flavors.set(f.id, {
        id: f.id,
        name: f.name,
        vcpus: f.vcpus,
        ram: f.ram,
        disk: f.disk,
        swap: f.swap ?? 0,
        ephemeral: f.ephemeral ?? 0,
      });
    }
    for (const im of this.seed.images) {
      this.images.set(im.id, {
        id: im.id,
        name: im.name,
        diskFormat: im.disk_format ?? 'qcow2',
        containerFormat: im.container_format ?? 'bare',
        size: im.size ?? 0,
        minDisk: im.min_disk ?? 0,
        minRam: im.min_ram ?? 0,
        visibility: im.visibility ?? 'public',
        ownerProjectId: this.ownerProjectId,
        checksum: createHash('md5').update(im.id).digest('hex'),
        created: t,
      });
    }
    for (const n of this.seed.networks) {
      this.networks.set(n.id, {
        id: n.id,
        name: n.name,
        projectId: this.ownerProjectId,
        external: n.external ?? false,
        shared: n.shared ?? false,
        mtu: n.mtu ?? 1450,
        subnetIds: n.subnets.map((s) => s.id),
        created: t,
      });
      for (const s of n.subnets) {
        this.subnets.set(s.id, {
          id: s.id,
          name: s.name,
          networkId: n.id,
          projectId: this.ownerProjectId,
          cidr: s.cidr,
          gatewayIp: s.gateway_ip === undefined ? defaultGateway(s.cidr) : s.gateway_ip,
          created: t,
        });
      }
    }
    let id = 1;
    this.seed.availability_zones.forEach((z, zi) => {
      for (let n = 1; n <= (z.hypervisors ?? 2); n++) {
        const hostname = `${this.name.toLowerCase()}-${z.name}-${n}`;
        this.hypervisors.set(hostname, {
          id: id++,
          hostname,
          zone: z.name,
          hostIp: `192.168.${zi}.${n + 10}`,
          state: 'up',
          status: 'enabled',
          disabledReason: null,
          vcpus: 64,
          memoryMb: 262_144,
          localGb: 2_000,
          updated: t,
        });
        this.hostLoad.set(hostname, 0);
      }
    });
  }

  nextInstanceName(): string {
    this.instanceCounter += 1;
    return `instance-${this.instanceCounter.toString(16).padStart(8, '0')}`;
  }

  nextKeypairSerial(): number {
    return ++this.keypairCounter;
  }

  addServer(s: Server): void {
    this.servers.set(s.id, s);
    let own = this.serversByProject.get(s.projectId);
    if (!own) this.serversByProject.set(s.projectId, (own = new Map()));
    own.set(s.id, s);
    if (s.host) this.hostLoad.set(s.host, (this.hostLoad.get(s.host) ?? 0) + 1);
  }

  dropServer(s: Server): void {
    this.servers.delete(s.id);
    this.serversByProject.get(s.projectId)?.delete(s.id);
    if (s.host) this.hostLoad.set(s.host, Math.max(0, (this.hostLoad.get(s.host) ?? 1) - 1));
    // Nova forgets a deleted instance's group membership.
    const group = s.groupId ? this.serverGroups.get(s.groupId) : undefined;
    if (group) group.members = group.members.filter((id) => id !== s.id);
  }

  moveServer(s: Server, host: string): void {
    if (s.host) this.hostLoad.set(s.host, Math.max(0, (this.hostLoad.get(s.host) ?? 1) - 1));
    s.host = host;
    this.hostLoad.set(host, (this.hostLoad.get(host) ?? 0) + 1);
  }

  /** The project's `default` security group, made on first use as Neutron does. */
  defaultSecurityGroup(projectId: string, now: number): SecurityGroup {
    const known = this.defaultGroups.get(projectId);
    const sg = known ? this.securityGroups.get(known) : undefined;
    if (sg) return sg;
    const made: SecurityGroup = {
      id: createHash('sha256')
        .update(`${this.name}/${projectId}/default`)
        .digest('hex')
        .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*/, '$1-$2-$3-$4-$5'),
      name: 'default',
      description: 'Default security group',
      projectId,
      created: now,
    };
    this.securityGroups.set(made.id, made);
    this.defaultGroups.set(projectId, made.id);
    return made;
  }

  buryStack(s: Stack): void {
    this.stacks.delete(s.id);
    this.tombstones.set(s.id, s);
    if (this.tombstones.size > MAX_TOMBSTONES) this.tombstones.delete(this.tombstones.keys().next().value as string);
  }

  forgetStack(s: Stack): void {
    this.stacks.delete(s.id);
  }
}

/** Neutron's default gateway: the first host address of the CIDR. */
function defaultGateway(cidr: string): string {
  const [ip] = cidr.split('/');
  const parts = ip.split('.').map(Number);
  parts[3] += 1;
  return parts.join('.');
}
