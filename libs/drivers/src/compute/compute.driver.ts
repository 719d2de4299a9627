import type { WaitOptions } from '../http/wait';

export interface ServerAddress {
  addr: string;
  version: number;
  /** `fixed` or `floating`. */
  type: string;
  mac?: string;
}

/** A Nova server, with the fields Grove reads by name and Nova's whole body in `raw`. */
export interface Server {
  id: string;
  name: string;
  /** BUILD, ACTIVE, ERROR, SHUTOFF, REBOOT, PAUSED, … */
  status: string;
  metadata: Record<string, string>;
  addresses: Record<string, ServerAddress[]>;
  flavorId: string | null;
  imageId: string | null;
  availabilityZone: string | null;
  hypervisorHost: string | null;
  keyName: string | null;
  /** Nova's fault message when the server is in ERROR. */
  fault: string | null;
  raw: Record<string, unknown>;
}

export type ServerNetwork = { uuid: string; fixed_ip?: string } | { port: string };

export interface ServerCreate {
  name: string;
  flavorRef: string;
  imageRef?: string;
  networks?: ServerNetwork[];
  /** Nova takes only string values; callers stringify. */
  metadata: Record<string, string>;
  keyName?: string;
  availabilityZone?: string;
  /** Already base64-encoded. */
  userData?: string;
  securityGroups?: string[];
  blockDeviceMappingV2?: Record<string, unknown>[];
  configDrive?: boolean;
  personality?: { path: string; contents: string }[];
  adminPass?: string;
  diskConfig?: 'AUTO' | 'MANUAL';
  schedulerHints?: Record<string, unknown>;
}

export interface Flavor {
  id: string;
  name: string;
  ram: number;
  vcpus: number;
  disk: number;
}

export interface Keypair {
  name: string;
}

export interface Hypervisor {
  id: string;
  hostname: string;
  /** The compute service's host (Nova's `service.host`), which scheduling names. */
  serviceHost: string;
  state: string;
  status: string;
}

/** A port plugged into a server (Nova's `os-interface` attachment). */
export interface ServerInterface {
  portId: string;
  netId: string;
  fixedIps: { subnetId: string; ipAddress: string }[];
  macAddr: string;
  portState: string;
}

/** What to plug into a server: an existing port, or a new port Nova makes on a network. */
export type InterfaceAttach = { portId: string } | { netId: string; fixedIp?: string };

export type ServerGroupPolicy = 'affinity' | 'anti-affinity' | 'soft-affinity' | 'soft-anti-affinity';

/** A Nova server group: servers booted with `schedulerHints: {group: id}` are placed by its policy. */
export interface ServerGroup {
  id: string;
  name: string;
  policy: ServerGroupPolicy;
  /** Ids of the servers in it. */
  members: string[];
  projectId: string | null;
}

/** Nova v2.1. Missing things are `null` (never an exception); failures are CloudErrors. */
export interface ComputeDriver {
  createServer(req: ServerCreate, signal?: AbortSignal): Promise<{ id: string; adminPass?: string }>;
  getServer(id: string, signal?: AbortSignal): Promise<Server | null>;
  /** Servers of the project, optionally those whose name is exactly `name`. */
  listServers(filter: { name?: string }, signal?: AbortSignal): Promise<Server[]>;
  /** Deletes a server; one that is already gone is fine. */
  deleteServer(id: string, o?: { force?: boolean }, signal?: AbortSignal): Promise<void>;
  /** Waits until the server's status is one of `wanted`; ERROR ends the wait with CloudResourceFailed. */
  waitForServer(id: string, wanted: readonly string[], o: WaitOptions): Promise<Server>;
  waitForServerGone(id: string, o: WaitOptions): Promise<void>;
  /** `POST /servers/{id}/action` with `{[action]: body}`, e.g. ('reboot', {type: 'SOFT'}). */
  serverAction(
    id: string,
    action: string,
    body: unknown,
    signal?: AbortSignal,
  ): Promise<Record<string, unknown> | null>;
  renameServer(id: string, name: string, signal?: AbortSignal): Promise<void>;
  /** The ports plugged into the server. */
  listInterfaces(serverId: string, signal?: AbortSignal): Promise<ServerInterface[]>;
  attachInterface(serverId: string, req: InterfaceAttach, signal?: AbortSignal): Promise<ServerInterface>;
  /** Starts unplugging a port (Nova finishes it asynchronously); a port that is not plugged in is fine. */
  detachInterface(serverId: string, portId: string, signal?: AbortSignal): Promise<void>;
  /** Merges keys into the server's metadata. */
  setServerMetadata(id: string, metadata: Record<string, string>, signal?: AbortSignal): Promise<void>;
  deleteServerMetadata(id: string, key: string, signal?: AbortSignal): Promise<void>;
  findFlavor(nameOrId: string, signal?: AbortSignal): Promise<Flavor | null>;
  findKeypair(name: string, signal?: AbortSignal): Promise<Keypair | null>;
  availabilityZones(signal?: AbortSignal): Promise<string[]>;
  hypervisors(signal?: AbortSignal): Promise<Hypervisor[]>;
  /** Soft policies need microversion 2.15, which the driver sends (2.64, where `policy` replaced `policies`). */
  createServerGroup(name: string, policy: ServerGroupPolicy, signal?: AbortSignal): Promise<ServerGroup>;
  getServerGroup(id: string, signal?: AbortSignal): Promise<ServerGroup | null>;
  /** The project's group of exactly that name (the first of several), or null. */
  findServerGroupByName(name: string, signal?: AbortSignal): Promise<ServerGroup | null>;
  /** Its servers stay where they are; a group that is already gone is fine. */
  deleteServerGroup(id: string, signal?: AbortSignal): Promise<void>;
}
