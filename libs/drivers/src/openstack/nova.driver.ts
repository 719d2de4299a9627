import { CloudResourceFailed } from '@grove/core';
import { cleanQuote } from '../http/json-http';
import { LookupCache } from '../http/lookup-cache';
import { pollUntil, type WaitOptions } from '../http/wait';
import type {
  ComputeDriver,
  Flavor,
  Hypervisor,
  InterfaceAttach,
  Keypair,
  Server,
  ServerCreate,
  ServerGroup,
  ServerGroupPolicy,
  ServerInterface,
} from '../compute/compute.driver';
import { ownedBy } from './project-scope';
import type { OpenStackService } from './openstack-service';

type RawServer = Record<string, unknown> & {
  id: string;
  name: string;
  status: string;
  metadata?: Record<string, string>;
  addresses?: Record<
    string,
    { addr: string; version: number; 'OS-EXT-IPS:type'?: string; 'OS-EXT-IPS-MAC:mac_addr'?: string }[]
  >;
  flavor?: { id?: string; original_name?: string };
  image?: { id?: string } | '';
  fault?: { message?: string };
  key_name?: string | null;
};

interface RawServerGroup {
  id: string;
  name: string;
  policy?: ServerGroupPolicy;
  policies?: ServerGroupPolicy[];
  members?: string[];
  project_id?: string;
}

/** The microversion server-group calls use: `policy` (2.64) instead of `policies`, and project ids (2.13). */
const GROUP_VERSION = { 'OpenStack-API-Version': 'compute 2.64', 'X-OpenStack-Nova-API-Version': '2.64' };

const toServerGroup = (g: RawServerGroup): ServerGroup => ({
  id: g.id,
  name: g.name,
  // Either shape, in case a proxy answers in the older microversion.
  policy: g.policy ?? g.policies?.[0] ?? 'anti-affinity',
  members: g.members ?? [],
  projectId: g.project_id ?? null,
});

/** Nova shows a server as DELETED for a moment after its host let go of it, before the row goes: it is gone. */
const isDeleted = (s: RawServer): boolean => s.status === 'DELETED';

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Nova v2.1 over its REST API. */
export class NovaDriver implements ComputeDriver {
  private readonly lookups = new LookupCache();

  constructor(private readonly nova: OpenStackService) {}

  async createServer(req: ServerCreate, signal?: AbortSignal): Promise<{ id: string; adminPass?: string }> {
    const server: Record<string, unknown> = {
      name: req.name,
      flavorRef: req.flavorRef,
      metadata: req.metadata,
    };
    if (req.imageRef) server.imageRef = req.imageRef;
    if (req.networks) server.networks = req.networks;
    if (req.keyName) server.key_name = req.keyName;
    if (req.availabilityZone) server.availability_zone = req.availabilityZone;
    if (req.userData) server.user_data = req.userData;
    if (req.securityGroups?.length) server.security_groups = req.securityGroups.map((name) => ({ name }));
    if (req.blockDeviceMappingV2?.length) server.block_device_mapping_v2 = req.blockDeviceMappingV2;
    if (req.configDrive !== undefined) server.config_drive = req.configDrive;
    if (req.personality?.length) server.personality = req.personality;
    if (req.adminPass) server.adminPass = req.adminPass;
    if (req.diskConfig) server['OS-DCF:diskConfig'] = req.diskConfig;
    const body: Record<string, unknown> = { server };
    if (req.schedulerHints && Object.keys(req.schedulerHints).length) body['os:scheduler_hints'] = req.schedulerHints;
    const res = await this.nova.call<{ server: { id: string; adminPass?: string } }>('POST', '/servers', {
      body,
      signal,
    });
    return { id: res.body.server.id, adminPass: res.body.server.adminPass };
  }

  async getServer(id: string, signal?: AbortSignal): Promise<Server | null> {
    const res = await this.nova.call<{ server: RawServer }>('GET', `/servers/${encodeURIComponent(id)}`, {
      expect: [404],
      signal,
    });
    if (res.status === 404 || isDeleted(res.body.server)) return null;
    // Another project's server is not there for us, though an admin account may read it.
    if (!ownedBy(res.body.server, await this.nova.project(signal))) return null;
    return toServer(res.body.server);
  }

  async listServers(filter: { name?: string }, signal?: AbortSignal): Promise<Server[]> {
    const out: Server[] = [];
    let marker: string | undefined;
    for (;;) {
      const q = new URLSearchParams({ limit: '1000' });
      // Nova's name filter is a regular expression.
      if (filter.name !== undefined) q.set('name', `^${escapeRegex(filter.name)}$`);
      if (marker) q.set('marker', marker);
      const res = await this.nova.call<{ servers: RawServer[] }>('GET', `/servers/detail?${q}`, { signal });
      const page = res.body.servers ?? [];
      out.push(...page.filter((s) => !isDeleted(s)).map(toServer));
      if (page.length < 1000) return out;
      marker = page[page.length - 1].id;
    }
  }

  async deleteServer(id: string, o: { force?: boolean } = {}, signal?: AbortSignal): Promise<void> {
    if (o.force) {
      await this.nova.call('POST', `/servers/${encodeURIComponent(id)}/action`, {
        body: { forceDelete: null },
        expect: [404, 409],
        signal,
      });
      return;
    }
    await this.nova.call('DELETE', `/servers/${encodeURIComponent(id)}`, { expect: [404], signal });
  }

  async waitForServer(id: string, wanted: readonly string[], o: WaitOptions): Promise<Server> {
    return pollUntil(
      `server ${id} to become ${wanted.join(' or ')}`,
      async () => {
        const s = await this.getServer(id, o.signal);
        if (!s)
          throw new CloudResourceFailed(
            `Server ${id} disappeared while waiting for it to become ${wanted.join(' or ')}`,
          );
        if (wanted.includes(s.status)) return s;
        if (s.status === 'ERROR') {
          throw new CloudResourceFailed(`Server ${id} went to ERROR${s.fault ? `: ${s.fault}` : ''}`);
        }
        return undefined;
      },
      o,
    );
  }

  async waitForServerGone(id: string, o: WaitOptions): Promise<void> {
    await pollUntil(
      `server ${id} to be deleted`,
      async () => {
        const s = await this.getServer(id, o.signal);
        if (!s || s.status === 'DELETED') return true;
        if (s.status === 'ERROR' && s.raw['OS-EXT-STS:task_state'] == null) {
          throw new CloudResourceFailed(
            `Server ${id} went to ERROR while being deleted${s.fault ? `: ${s.fault}` : ''}`,
          );
        }
        return undefined;
      },
      o,
    );
  }

  async serverAction(
    id: string,
    action: string,
    body: unknown,
    signal?: AbortSignal,
  ): Promise<Record<string, unknown> | null> {
    const res = await this.nova.call<Record<string, unknown> | null>(
      'POST',
      `/servers/${encodeURIComponent(id)}/action`,
      {
        body: { [action]: body ?? null },
        signal,
      },
    );
    return res.body && typeof res.body === 'object' ? res.body : null;
  }

  async renameServer(id: string, name: string, signal?: AbortSignal): Promise<void> {
    await this.nova.call('PUT', `/servers/${encodeURIComponent(id)}`, { body: { server: { name } }, signal });
  }

  async listInterfaces(serverId: string, signal?: AbortSignal): Promise<ServerInterface[]> {
    const res = await this.nova.call<{ interfaceAttachments: RawInterface[] }>(
      'GET',
      `/servers/${encodeURIComponent(serverId)}/os-interface`,
      { signal },
    );
    return (res.body.interfaceAttachments ?? []).map(toInterface);
  }

  async attachInterface(serverId: string, req: InterfaceAttach, signal?: AbortSignal): Promise<ServerInterface> {
    const interfaceAttachment =
      'portId' in req
        ? { port_id: req.portId }
        : { net_id: req.netId, ...(req.fixedIp ? { fixed_ips: [{ ip_address: req.fixedIp }] } : {}) };
    const res = await this.nova.call<{ interfaceAttachment: RawInterface }>(
      'POST',
      `/servers/${encodeURIComponent(serverId)}/os-interface`,
      { body: { interfaceAttachment }, signal },
    );
    return toInterface(res.body.interfaceAttachment);
  }

  async detachInterface(serverId: string, portId: string, signal?: AbortSignal): Promise<void> {
    await this.nova.call(
      'DELETE',
      `/servers/${encodeURIComponent(serverId)}/os-interface/${encodeURIComponent(portId)}`,
      {
        expect: [404],
        signal,
      },
    );
  }

  async setServerMetadata(id: string, metadata: Record<string, string>, signal?: AbortSignal): Promise<void> {
    await this.nova.call('POST', `/servers/${encodeURIComponent(id)}/metadata`, { body: { metadata }, signal });
  }

  async deleteServerMetadata(id: string, key: string, signal?: AbortSignal): Promise<void> {
    await this.nova.call('DELETE', `/servers/${encodeURIComponent(id)}/metadata/${encodeURIComponent(key)}`, {
      expect: [404],
      signal,
    });
  }

  findFlavor(nameOrId: string, signal?: AbortSignal): Promise<Flavor | null> {
    return this.lookups.get('flavor', nameOrId, () => this.lookupFlavor(nameOrId, signal));
  }

  private async lookupFlavor(nameOrId: string, signal?: AbortSignal): Promise<Flavor | null> {
    const byId = await this.nova.call<{ flavor: Flavor }>('GET', `/flavors/${encodeURIComponent(nameOrId)}`, {
      expect: [404],
      signal,
    });
    if (byId.status !== 404) return pickFlavor(byId.body.flavor);
    const all = await this.nova.call<{ flavors: Flavor[] }>('GET', '/flavors/detail', { signal });
    const f = all.body.flavors.find((x) => x.name === nameOrId);
    return f ? pickFlavor(f) : null;
  }

  findKeypair(name: string, signal?: AbortSignal): Promise<Keypair | null> {
    return this.lookups.get('keypair', name, () => this.lookupKeypair(name, signal));
  }

  private async lookupKeypair(name: string, signal?: AbortSignal): Promise<Keypair | null> {
    const res = await this.nova.call<{ keypair: Keypair }>('GET', `/os-keypairs/${encodeURIComponent(name)}`, {
      expect: [404],
      signal,
    });
    return res.status === 404 ? null : { name: res.body.keypair.name };
  }

  async availabilityZones(signal?: AbortSignal): Promise<string[]> {
    const res = await this.nova.call<{
      availabilityZoneInfo: { zoneName: string; zoneState: { available: boolean } }[];
    }>('GET', '/os-availability-zone', { signal });
    return res.body.availabilityZoneInfo.filter((z) => z.zoneState.available).map((z) => z.zoneName);
  }

  async hypervisors(signal?: AbortSignal): Promise<Hypervisor[]> {
    const res = await this.nova.call<{
      hypervisors: {
        id: string | number;
        hypervisor_hostname: string;
        state: string;
        status: string;
        service?: { host?: string };
      }[];
    }>('GET', '/os-hypervisors/detail', { signal });
    return res.body.hypervisors.map((h) => ({
      id: String(h.id),
      hostname: h.hypervisor_hostname,
      serviceHost: h.service?.host ?? h.hypervisor_hostname,
      state: h.state,
      status: h.status,
    }));
  }

  async createServerGroup(name: string, policy: ServerGroupPolicy, signal?: AbortSignal): Promise<ServerGroup> {
    const res = await this.nova.call<{ server_group: RawServerGroup }>('POST', '/os-server-groups', {
      body: { server_group: { name, policy } },
      headers: GROUP_VERSION,
      signal,
    });
    return toServerGroup(res.body.server_group);
  }

  async getServerGroup(id: string, signal?: AbortSignal): Promise<ServerGroup | null> {
    const res = await this.nova.call<{ server_group: RawServerGroup }>(
      'GET',
      `/os-server-groups/${encodeURIComponent(id)}`,
      { expect: [404], headers: GROUP_VERSION, signal },
    );
    if (res.status === 404 || !ownedBy(res.body.server_group, await this.nova.project(signal))) return null;
    return toServerGroup(res.body.server_group);
  }

  async findServerGroupByName(name: string, signal?: AbortSignal): Promise<ServerGroup | null> {
    // Nova has no name filter here; it pages by offset.
    for (let offset = 0; ; offset += 1000) {
      const res = await this.nova.call<{ server_groups: RawServerGroup[] }>(
        'GET',
        `/os-server-groups?limit=1000&offset=${offset}`,
        { headers: GROUP_VERSION, signal },
      );
      const page = res.body.server_groups ?? [];
      const project = await this.nova.project(signal);
      const found = page.find((g) => g.name === name && ownedBy(g, project));
      if (found) return toServerGroup(found);
      if (page.length < 1000) return null;
    }
  }

  async deleteServerGroup(id: string, signal?: AbortSignal): Promise<void> {
    await this.nova.call('DELETE', `/os-server-groups/${encodeURIComponent(id)}`, {
      expect: [404],
      headers: GROUP_VERSION,
      signal,
    });
  }
}

interface RawInterface {
  port_id: string;
  net_id: string;
  fixed_ips?: { subnet_id: string; ip_address: string }[];
  mac_addr?: string;
  port_state?: string;
}

const toInterface = (i: RawInterface): ServerInterface => ({
  portId: i.port_id,
  netId: i.net_id,
  fixedIps: (i.fixed_ips ?? []).map((f) => ({ subnetId: f.subnet_id, ipAddress: f.ip_address })),
  macAddr: i.mac_addr ?? '',
  portState: i.port_state ?? '',
});

const pickFlavor = (f: Flavor): Flavor => ({
  id: String(f.id),
  name: f.name,
  ram: f.ram,
  vcpus: f.vcpus,
  disk: f.disk,
});

function toServer(s: RawServer): Server {
  const addresses: Server['addresses'] = {};
  for (const [net, list] of Object.entries(s.addresses ?? {})) {
    addresses[net] = list.map((a) => ({
      addr: a.addr,
      version: a.version,
      type: a['OS-EXT-IPS:type'] ?? 'fixed',
      mac: a['OS-EXT-IPS-MAC:mac_addr'],
    }));
  }
  return {
    id: s.id,
    name: s.name,
    status: s.status,
    metadata: s.metadata ?? {},
    addresses,
    flavorId: s.flavor?.id ?? null,
    imageId: s.image && typeof s.image === 'object' ? (s.image.id ?? null) : null,
    availabilityZone: (s['OS-EXT-AZ:availability_zone'] as string | undefined) ?? null,
    hypervisorHost:
      (s['OS-EXT-SRV-ATTR:hypervisor_hostname'] as string | undefined) ??
      (s['OS-EXT-SRV-ATTR:host'] as string | undefined) ??
      null,
    keyName: s.key_name ?? null,
    fault: s.fault?.message === undefined ? null : cleanQuote(s.fault.message),
    raw: s,
  };
}
