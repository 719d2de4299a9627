import type { OperationSchema, SchemaMap, SupportStatus } from '@grove/core';
import type { CloudDrivers, WaitOptions } from '@grove/drivers';

/** What a profile sees of a node: never the database row itself. */
export interface ProfileNode {
  readonly id: string;
  readonly name: string;
  /** Null for an orphan node. */
  readonly clusterId: string | null;
  /** -1 for an orphan node. */
  readonly index: number;
  readonly physicalId: string | null;
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Engine-written facts about the node: `placement`, `internal_ports`, … */
  readonly data: Readonly<Record<string, unknown>>;
  readonly project: string;
  readonly userId: string;
}

/** Another node, as seen by a profile that builds on it (a container's Docker host). */
export interface HostNode {
  readonly id: string;
  readonly name: string;
  readonly clusterId: string | null;
  readonly physicalId: string | null;
  readonly status: string;
  /** The host's profile type key, e.g. `os.nova.server-1.0`. */
  readonly profileType: string;
  /** The host's resolved profile properties. */
  readonly profileProperties: Readonly<Record<string, unknown>>;
}

/** Lookups a profile may need beyond its own node, backed by the database in the engine. */
export interface NodeDirectory {
  /** A node of the project by id, name or short id; null when there is none. */
  findNode(project: string, identity: string): Promise<HostNode | null>;
  /** The ACTIVE members of a cluster of the project, by id, name or short id; null when no such cluster. */
  clusterMembers(project: string, identity: string): Promise<HostNode[] | null>;
}

export interface ProfileLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/**
 * Everything a profile operation gets, fresh on every call (profile types are stateless; STYLE C11):
 * the drivers of the profile's region, the action's abort signal (cancel or timeout) and its clock.
 */
export interface ProfileContext {
  readonly cloud: CloudDrivers;
  readonly signal: AbortSignal;
  /** Polling settings for one wait: the action's remaining time, capped at `capMs` (a per-service limit such as Nova's 600 s). */
  waitOptions(capMs?: number): WaitOptions;
  readonly nodes: NodeDirectory;
  readonly log: ProfileLogger;
  /**
   * Writes what a create just made (its id, and the data a later delete needs) onto the node as
   * soon as the cloud answers, before waiting for it to be ready: a crash or a failed result
   * write then leaves a node that knows its resource. Only a node create or recreate has it; a
   * failed write is the engine's to report, never the create's.
   */
  recordCreated?(made: { physicalId: string; data?: Record<string, unknown> }): Promise<void>;
}

/** A cloud-side failure of a profile operation. `physicalId` says what is still left in the cloud. */
export class ProfileError extends Error {
  constructor(
    message: string,
    /** The resource that exists despite the failure (null: nothing is left behind). */
    readonly physicalId: string | null = null,
  ) {
    super(message);
    this.name = 'ProfileError';
  }
}

export interface CreateResult {
  physicalId: string;
  /** Merged into the node's `data` (placement, ports the profile made, …). */
  data?: Record<string, unknown>;
  /**
   * Ids of nodes the new resource lives on (a container's Docker host). The engine lists this node
   * in each one's `dependents.nodes` when the create succeeds and takes it out again when this node
   * is deleted, so a host cannot be deleted while something still runs on it (Senlin's
   * node_add_dependents / node_remove_dependents).
   */
  dependsOn?: string[];
}

/** What a check found: the resource is fine, is broken (with why), or no longer exists. */
export type CheckResult =
  { state: 'healthy' } | { state: 'unhealthy'; reason: string } | { state: 'gone'; reason: string };

export const RECOVERY_OPERATIONS = ['RECREATE', 'REBOOT', 'REBUILD'] as const;
export type RecoveryOperation = (typeof RECOVERY_OPERATIONS)[number];

export interface RecoverRequest {
  operation: RecoveryOperation;
  params: Record<string, unknown>;
  /** Seconds a RECREATE may wait for the old resource to go. */
  deleteTimeoutS?: number;
  /** RECREATE goes on even if deleting the old resource failed. */
  forceRecreate?: boolean;
}

export interface RecoverResult {
  /** The resource now backing the node (new after RECREATE). */
  physicalId: string;
  data?: Record<string, unknown>;
  /** As CreateResult.dependsOn, for a RECREATE: the hosts the new resource lives on (they replace the old ones). */
  dependsOn?: string[];
}

export interface DeleteOptions {
  /** Nova's force-delete and the like. */
  force?: boolean;
}

/** What adopting an existing cloud resource as a node starts from (Senlin's node adopt). */
export interface AdoptRequest {
  /** The resource's id (for a stack or a container, its name will do). */
  readonly identity: string;
  /** The project the node will belong to: types that live on other nodes look their host up there. */
  readonly project: string;
  /**
   * The request's overrides. The engine lays them over the properties `read` returns; a type reads
   * them only where they say how to reach the resource (a container's host and daemon port).
   */
  readonly overrides: Readonly<Record<string, unknown>>;
}

/** A resource found for adoption, described as a spec would make it. */
export interface AdoptedResource {
  /** The node's physical id: the resource's id, whatever `identity` named it by. */
  physicalId: string;
  /** The spec properties that describe the resource, before the overrides. */
  properties: Record<string, unknown>;
  /** The node's data, as a create would have recorded it (a container's host). */
  data?: Record<string, unknown>;
  /** As CreateResult.dependsOn: the nodes the resource lives on. */
  dependsOn?: string[];
  /** The node id the resource is already tagged with (`cluster_node_id`), if any. */
  taggedNode: string | null;
}

/**
 * Taking an existing cloud resource under management as a node. Senlin's `do_adopt` is one read;
 * Grove also tags the resource with the new node's id afterwards, as create tags what it makes.
 */
export interface AdoptCapability<P extends object> {
  /**
   * Reads the resource through the drivers. A resource that is not there (or not adoptable) is a
   * ProfileError in Senlin's words, e.g. `404: Instance x could not be found.`; a spec problem
   * found on the way (a container's missing host) a SpecError.
   */
  read(ctx: ProfileContext, req: AdoptRequest): Promise<AdoptedResource>;
  /** Tags the resource with the id of the node now standing for it (and drops stale membership tags). */
  tag(ctx: ProfileContext, node: ProfileNode, props: P): Promise<void>;
}

/**
 * A profile type: the spec schema of one kind of node and how to create, change and remove it.
 * Adding one is a folder in libs/profiles/src and one line in registry.ts (STYLE C11).
 * `P` is the shape of the resolved `properties`.
 *
 * Every method reaches the cloud only through `ctx.cloud` and honours `ctx.signal`. Expected cloud
 * failures are thrown as ProfileError (or CloudError from a driver); anything else is a bug.
 */
export interface ProfileType<P extends object = Record<string, unknown>> {
  /** `os.nova.server` */
  readonly name: string;
  /** `1.0` */
  readonly version: string;
  /** Every version of the type with its support history, as `profile-types show` lists it. */
  readonly supportStatus: Readonly<Record<string, readonly { status: SupportStatus; since: string }[]>>;
  readonly properties: SchemaMap;
  readonly operations: Readonly<Record<string, OperationSchema>>;

  /** Checks the schema alone cannot express (one of two properties required, …); throws SpecError. */
  checkProperties?(props: P): void;
  /**
   * The nodes and clusters (by name or id) a profile of this type builds on, such as a container's
   * Docker host. They list the profile in their `dependents.profiles` and cannot be deleted first.
   */
  hosts?(props: P): { nodes: string[]; clusters: string[] };
  /**
   * Deep validation against the cloud (flavors, images, networks exist); throws SpecError.
   * `project` is the project the profile is made for: a type that refers to other nodes (a
   * container's host) checks them through `ctx.nodes` only when it is given.
   */
  validateInCloud(ctx: ProfileContext, props: P, project?: string): Promise<void>;

  /** Creates the resource; tags it with the node's and cluster's ids in the create request itself. */
  create(ctx: ProfileContext, node: ProfileNode, props: P): Promise<CreateResult>;
  /** Resources a create for this node made, found by the ids it was tagged with (crash recovery). */
  findCreated(ctx: ProfileContext, node: ProfileNode, props: P): Promise<string[]>;
  /** Removes the resource and what the profile made for it; a resource already gone is fine. */
  delete(ctx: ProfileContext, node: ProfileNode, props: P, o?: DeleteOptions): Promise<void>;
  /** Changes the resource in place to match `next` (only updatable properties differ). */
  update(ctx: ProfileContext, node: ProfileNode, current: P, next: P): Promise<{ data?: Record<string, unknown> }>;
  check(ctx: ProfileContext, node: ProfileNode, props: P): Promise<CheckResult>;
  recover(ctx: ProfileContext, node: ProfileNode, props: P, req: RecoverRequest): Promise<RecoverResult>;
  /** The cloud's view of the resource for `show_details`; `{}` when there is none. */
  details(ctx: ProfileContext, node: ProfileNode, props: P): Promise<Record<string, unknown>>;
  /** Re-tags the resource when the node joins a cluster or leaves it. */
  join(ctx: ProfileContext, node: ProfileNode, props: P, clusterId: string, index: number): Promise<void>;
  leave(ctx: ProfileContext, node: ProfileNode, props: P): Promise<void>;
  /** Adopting existing resources; a type without it cannot adopt. */
  readonly adopt?: AdoptCapability<P>;
  /** Runs one of `operations` with validated parameters. */
  operation(
    ctx: ProfileContext,
    node: ProfileNode,
    props: P,
    name: string,
    params: Record<string, unknown>,
  ): Promise<void>;
}

/** The key of a type in the registry and on the wire: `os.nova.server-1.0`. */
export const profileTypeKey = (t: Pick<ProfileType, 'name' | 'version'>): string => `${t.name}-${t.version}`;

/** Gives a type its literal properties type while checking it against the contract. */
export const defineProfileType = <P extends object>(t: ProfileType<P>): ProfileType<P> => t;

/** The `context` keys a profile spec may carry: they choose where in the cloud its nodes live. */
export const CONTEXT_KEYS = ['region_name'] as const;

/**
 * Senlin's tags on every cloud resource (Nova metadata, Heat tags, Docker labels): how a crashed
 * engine's half-made work is found again.
 */
export function nodeTags(node: Pick<ProfileNode, 'id' | 'clusterId' | 'index'>): Record<string, string> {
  const tags: Record<string, string> = { cluster_node_id: node.id };
  if (node.clusterId) {
    tags.cluster_id = node.clusterId;
    tags.cluster_node_index = String(node.index);
  }
  return tags;
}

/**
 * The Neutron tag on a port Grove makes for a node (Neutron tags are plain strings): the port is
 * found by it when the node's record of its ports was never written.
 */
export const portTag = (nodeId: string): string => `cluster_node_id=${nodeId}`;
