import type { InstanceAction } from './cloud-events';
import type { Caller } from './identity-state';

/**
 * The simulated cloud's objects, in the shapes the simulator keeps them (camelCase, times as epoch
 * milliseconds). Views in each API folder turn them into that API's wire format.
 */

export interface Flavor {
  id: string;
  name: string;
  vcpus: number;
  ram: number;
  disk: number;
  swap: number;
  ephemeral: number;
}

export interface Image {
  id: string;
  name: string;
  diskFormat: string;
  containerFormat: string;
  size: number;
  minDisk: number;
  minRam: number;
  visibility: string;
  ownerProjectId: string;
  checksum: string;
  created: number;
}

export interface Subnet {
  id: string;
  name: string;
  networkId: string;
  projectId: string;
  cidr: string;
  gatewayIp: string | null;
  created: number;
}

export interface Network {
  id: string;
  name: string;
  projectId: string;
  external: boolean;
  shared: boolean;
  mtu: number;
  subnetIds: string[];
  created: number;
}

export interface FixedIp {
  subnetId: string;
  ipAddress: string;
}

export interface Port {
  id: string;
  name: string;
  networkId: string;
  projectId: string;
  macAddress: string;
  fixedIps: FixedIp[];
  deviceId: string;
  deviceOwner: string;
  adminStateUp: boolean;
  securityGroupIds: string[];
  description: string;
  hostId: string;
  /** Neutron's standard-attribute tags, as `GET /ports?tags=…` filters them. */
  tags: string[];
  created: number;
  updated: number;
  revision: number;
}

export interface FloatingIp {
  id: string;
  projectId: string;
  floatingNetworkId: string;
  floatingIpAddress: string;
  subnetId: string;
  portId: string | null;
  fixedIpAddress: string | null;
  description: string;
  created: number;
  updated: number;
  revision: number;
}

export interface SecurityGroup {
  id: string;
  name: string;
  description: string;
  projectId: string;
  created: number;
}

export interface Keypair {
  name: string;
  userId: string;
  publicKey: string;
  fingerprint: string;
  type: 'ssh' | 'x509';
  created: number;
  /** Nova's database id, shown by GET /os-keypairs/{name}. */
  serial: number;
}

export interface Hypervisor {
  /** Nova 2.1 shows integer ids. */
  id: number;
  hostname: string;
  zone: string;
  hostIp: string;
  state: 'up' | 'down';
  status: 'enabled' | 'disabled';
  disabledReason: string | null;
  vcpus: number;
  memoryMb: number;
  localGb: number;
  updated: number;
}

export type VmState = 'active' | 'building' | 'paused' | 'suspended' | 'stopped' | 'rescued' | 'resized' | 'error';

/** Nova's power_state numbers. */
export const POWER = { NOSTATE: 0, RUNNING: 1, PAUSED: 3, SHUTDOWN: 4, SUSPENDED: 7 } as const;

export interface ServerFault {
  code: number;
  message: string;
  created: number;
  /** The Nova exception class behind it, as a notification's fault names it. */
  exception?: string;
}

/** What a server becomes once its current task ends. */
export interface ServerTransition {
  at: number;
  vmState: VmState;
  powerState: number;
  fault?: ServerFault;
  /** Applied when the transition happens (new flavor after a resize, new host after an evacuation…). */
  apply?: (s: Server) => void;
  /** The Nova action it ends, announced when it lands (see CloudEvents). */
  action?: InstanceAction;
  /** Who asked for it; null or unset = Nova itself. */
  requestedBy?: Caller | null;
}

/** One network interface of a server; `ownedByNova` ports are deleted with it, given ones detached. */
export interface ServerPort {
  portId: string;
  ownedByNova: boolean;
}

export interface Server {
  id: string;
  name: string;
  region: string;
  projectId: string;
  userId: string;
  flavorId: string;
  /** The flavor before a resize, kept until it is confirmed or reverted. */
  oldFlavorId: string | null;
  /** '' when booted from a volume. */
  imageId: string;
  keyName: string | null;
  zone: string;
  host: string | null;
  metadata: Record<string, string>;
  vmState: VmState;
  taskState: string | null;
  powerState: number;
  pending: ServerTransition | null;
  /** When set, the server is being deleted and disappears at this time. */
  deleteAt: number | null;
  /** Who asked for the delete in progress; null or unset = Nova itself. */
  deleteRequestedBy?: Caller | null;
  fault: ServerFault | null;
  ports: ServerPort[];
  locked: boolean;
  lockedReason: string | null;
  configDrive: string;
  accessIPv4: string;
  accessIPv6: string;
  diskConfig: 'AUTO' | 'MANUAL';
  userData: string | null;
  instanceName: string;
  launchedAt: number | null;
  created: number;
  updated: number;
  /** The stack whose OS::Nova::Server resource made it, if any. */
  stackId: string | null;
  /** The server group it was booted into (`scheduler_hints.group`), if any. */
  groupId: string | null;
}

export type ServerGroupPolicy = 'affinity' | 'anti-affinity' | 'soft-affinity' | 'soft-anti-affinity';

/** A Nova server group: the servers booted into it are placed by its policy. */
export interface ServerGroup {
  id: string;
  name: string;
  projectId: string;
  userId: string;
  policy: ServerGroupPolicy;
  /** Microversion 2.64 rules; only `max_server_per_host` (anti-affinity) exists. */
  rules: { max_server_per_host?: number };
  /** Server ids, in the order they joined. */
  members: string[];
  created: number;
}

export type StackAction = 'CREATE' | 'UPDATE' | 'DELETE' | 'CHECK' | 'SUSPEND' | 'RESUME' | 'ROLLBACK';
export type StackStatus = 'IN_PROGRESS' | 'COMPLETE' | 'FAILED';

/** One resource of a stack as the simulator made it. */
export interface StackResource {
  name: string;
  type: string;
  /** The resolved properties it was made with (compared on update). */
  properties: Record<string, unknown>;
  physicalId: string;
  /** Values its attributes resolve to, besides those read live from the server or port. */
  data: Record<string, unknown>;
  created: number;
  updated: number | null;
  /** Resources that must be made first (get_resource, get_attr, depends_on). */
  dependsOn: string[];
}

export interface Stack {
  id: string;
  name: string;
  region: string;
  projectId: string;
  userName: string;
  action: StackAction;
  status: StackStatus;
  statusReason: string;
  /** When the current action started, for its timeout. */
  actionStarted: number;
  /** The in-progress action ends no earlier than this. */
  waitUntil: number;
  /** Set when a resource failed: the in-progress action ends FAILED with this reason. */
  failure: string | null;
  /** Resources a running DELETE or UPDATE removes once it completes (ports outlive their servers until then). */
  doomed: StackResource[];
  template: Record<string, unknown>;
  files: Record<string, unknown>;
  environment: Record<string, unknown>;
  /** Parameters as the user gave them (merged with the environment's). */
  givenParameters: Record<string, unknown>;
  /** Every declared parameter with its resolved value. */
  parameters: Record<string, unknown>;
  tags: string[];
  timeoutMins: number | null;
  disableRollback: boolean;
  resources: Map<string, StackResource>;
  created: number;
  updated: number | null;
  deleted: number | null;
}

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'exited' | 'dead';

export interface Container {
  id: string;
  name: string;
  image: string;
  imageId: string;
  cmd: string[] | null;
  entrypoint: string[] | null;
  env: string[];
  labels: Record<string, string>;
  hostConfig: Record<string, unknown>;
  /** The rest of the create body, echoed back by inspect. */
  extraConfig: Record<string, unknown>;
  status: ContainerStatus;
  exitCode: number;
  pid: number;
  ipAddress: string;
  created: number;
  startedAt: number | null;
  finishedAt: number | null;
  restartCount: number;
  /** When the running main process ends by itself (a `sleep 5`, a `true`), and with what code; null = runs until stopped. */
  exitAt: number | null;
  plannedExitCode: number;
}

/** A Docker daemon: a simulated server (by its id) or the standalone host `local`. */
export interface DockerHost {
  key: string;
  containers: Map<string, Container>;
  /** Container name → id. */
  names: Map<string, string>;
  /** Normalized `name:tag` references this host has. */
  images: Set<string>;
  /** Last octet counter for container addresses on 172.17.0.0/16. */
  nextAddress: number;
}

/** Octavia's provisioning states (DELETED objects are gone from the simulator). */
export type ProvisioningStatus = 'ACTIVE' | 'PENDING_CREATE' | 'PENDING_UPDATE' | 'PENDING_DELETE' | 'ERROR';
export type OperatingStatus = 'ONLINE' | 'OFFLINE' | 'DEGRADED' | 'ERROR' | 'NO_MONITOR';

/** What every Octavia object has. */
export interface LbObject {
  id: string;
  name: string;
  description: string;
  projectId: string;
  adminStateUp: boolean;
  provisioningStatus: ProvisioningStatus;
  operatingStatus: OperatingStatus;
  created: number;
  updated: number | null;
  /** The load balancer it belongs to (itself for a load balancer). */
  loadBalancerId: string;
}

/** A change the load balancer is busy with; it ends, and `finish` runs, at `at`. */
export interface LbTransition {
  at: number;
  finish: (at: number) => void;
}

export interface LoadBalancer extends LbObject {
  vipAddress: string;
  vipPortId: string;
  vipSubnetId: string;
  vipNetworkId: string;
  availabilityZone: string | null;
  flavorId: string | null;
  /** While set, the load balancer is PENDING_* and refuses other changes. */
  pending: LbTransition | null;
}

export interface Listener extends LbObject {
  protocol: string;
  protocolPort: number;
  connectionLimit: number;
  defaultPoolId: string | null;
}

export interface SessionPersistence {
  type: string;
  cookie_name: string | null;
}

export interface LbPool extends LbObject {
  /** The listener it is the default pool of, if any. */
  listenerId: string | null;
  protocol: string;
  lbAlgorithm: string;
  sessionPersistence: SessionPersistence | null;
  healthMonitorId: string | null;
}

export interface LbMember extends LbObject {
  poolId: string;
  address: string;
  protocolPort: number;
  subnetId: string | null;
  weight: number;
  backup: boolean;
}

export interface HealthMonitor extends LbObject {
  poolId: string;
  type: string;
  delay: number;
  timeout: number;
  maxRetries: number;
  maxRetriesDown: number;
  httpMethod: string | null;
  urlPath: string | null;
  expectedCodes: string | null;
}
