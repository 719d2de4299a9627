import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { ResourceNotFound, type Logger } from '@grove/core';
import { CloudConnector } from '@grove/drivers';
import {
  ClusterRepository,
  NodeRepository,
  ProfileRepository,
  ClaimLost,
  type Claim,
  type NodeEntity,
  type ProfileEntity,
} from '@grove/db';
import {
  ProfileRegistry,
  type HostNode,
  type NodeDirectory,
  type ProfileContext,
  type ProfileNode,
  type ProfileType,
} from '@grove/profiles';
import { ENGINE_OPTIONS, type EngineOptions } from '../engine-options';

/** A stored profile with its type and resolved properties. */
export interface LoadedProfile {
  entity: ProfileEntity;
  type: ProfileType<Record<string, unknown>>;
  properties: Record<string, unknown>;
}

/**
 * Specs never change after creation, so a profile is resolved once per engine. Loads in flight
 * are shared (LRUCache.fetch), so the thousand NODE_CREATEs of a new cluster that start at once
 * make one query; a failed load is not remembered.
 */
@Injectable()
export class Profiles {
  private readonly cache = new LRUCache<string, LoadedProfile>({
    max: 1000,
    fetchMethod: (id) => this.resolve(id),
  });

  constructor(
    private readonly repo: ProfileRepository,
    private readonly registry: ProfileRegistry,
  ) {}

  async load(id: string): Promise<LoadedProfile> {
    // fetchMethod either resolves a profile or throws, so the result is never undefined.
    return (await this.cache.fetch(id))!;
  }

  private async resolve(id: string): Promise<LoadedProfile> {
    const entity = await this.repo.getById(id);
    if (!entity) throw new ResourceNotFound('profile', id);
    const { type, properties } = this.registry.validate(entity.spec);
    return { entity, type, properties };
  }
}

export const toProfileNode = (n: NodeEntity): ProfileNode => ({
  id: n.id,
  name: n.name,
  clusterId: n.clusterId,
  index: n.index,
  physicalId: n.physicalId,
  metadata: n.metadata,
  data: n.data,
  project: n.project,
  userId: n.userId,
});

/** Builds what a profile operation gets: drivers of the profile's region and the action's clock. */
@Injectable()
export class ProfileContexts {
  constructor(
    @Inject(ENGINE_OPTIONS) private readonly o: EngineOptions,
    private readonly cloud: CloudConnector,
    private readonly nodes: NodeRepository,
    private readonly clusters: ClusterRepository,
    private readonly profiles: Profiles,
  ) {}

  /**
   * `deadline` bounds every wait; `signal` aborts on cancel or timeout. The region is the one a
   * region placement policy gave the node (`data.placement.region_name`), else the profile's
   * `context.region_name`, else the configured one. The calls are the node's owner's (in keystone
   * mode, through their trust), else the profile's owner's.
   */
  for(
    profile: LoadedProfile,
    signal: AbortSignal,
    deadline: Date,
    log: Logger,
    node?: Pick<NodeEntity, 'data' | 'userId' | 'project'>,
  ): ProfileContext {
    const placed = (node?.data.placement as { region_name?: string } | undefined)?.region_name;
    const ctxRegion = (profile.properties.context as { region_name?: string } | undefined)?.region_name;
    const owner = node ?? profile.entity;
    const cloud = this.cloud.forRegion(placed ?? ctxRegion ?? this.o.config.CLOUD_REGION_NAME, {
      userId: owner.userId,
      project: owner.project,
    });
    return {
      cloud,
      signal,
      log,
      nodes: this.directory,
      waitOptions: (capMs) =>
        cloud.wait(Math.max(1, Math.min(capMs ?? Infinity, deadline.getTime() - Date.now())), signal),
    };
  }

  /**
   * As `for`, for an action that makes the node's resource (a create, a recreate): the context's
   * `recordCreated` writes the new resource's id and data onto the node as soon as the cloud
   * answers, while `claim` holds (the action's fencing token). A failed write is logged and the create goes
   * on: its result write records the resource again, and without either the resource is found by
   * its tags. An action taken over by another engine stops there; what it made is left to the new
   * owner, which adopts it by its tags (ClaimGuard refuses this run's clean-up calls).
   */
  forCreate(
    profile: LoadedProfile,
    signal: AbortSignal,
    deadline: Date,
    log: Logger,
    node: Pick<NodeEntity, 'id' | 'data' | 'userId' | 'project'>,
    claim: Claim,
  ): ProfileContext {
    return {
      ...this.for(profile, signal, deadline, log, node),
      recordCreated: async ({ physicalId, data }) => {
        let ours: boolean;
        try {
          ours = await this.nodes.recordResource(node.id, physicalId, { ...node.data, ...data }, claim);
        } catch (e) {
          log.warn({ physicalId, err: (e as Error).message }, 'could not record the resource just made on its node');
          return;
        }
        if (!ours) throw new ClaimLost(claim);
      },
    };
  }

  /** The database behind `ProfileContext.nodes`, for callers that build a context themselves. */
  get nodeDirectory(): NodeDirectory {
    return this.directory;
  }

  private readonly directory: NodeDirectory = {
    findNode: async (project, identity) => {
      const n = await this.nodes.find({ kind: 'project', projectId: project }, identity);
      return n ? this.host(n) : null;
    },
    clusterMembers: async (project, identity) => {
      const c = await this.clusters.find({ kind: 'project', projectId: project }, identity);
      if (!c) return null;
      const members = await this.nodes.members(c.id);
      return Promise.all(members.filter((m) => m.status === 'ACTIVE').map((m) => this.host(m)));
    },
  };

  private async host(n: NodeEntity): Promise<HostNode> {
    const p = await this.profiles.load(n.profileId);
    return {
      id: n.id,
      name: n.name,
      clusterId: n.clusterId,
      physicalId: n.physicalId,
      status: n.status,
      profileType: p.entity.type,
      profileProperties: p.properties,
    };
  }
}
