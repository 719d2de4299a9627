import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  BadRequest,
  formatNodeName,
  InvalidSpec,
  newId,
  redactSecrets,
  ResourceAlreadyManaged,
  ROOT_LOGGER,
  type ApiConfig,
  type Logger,
  type RequestContext,
} from '@grove/core';
import {
  newNode,
  NodeRepository,
  ProfileEntity,
  ProfileRepository,
  projectKey,
  withKeyLocked,
  type NodeEntity,
} from '@grove/db';
import { ProfileRegistry } from '@grove/profiles';
import { EngineClient, type EngineRpc } from '@grove/rpc';
import { API_CONFIG } from '../http/request-context.middleware';
import { ProfilesService } from '../profiles/profiles.service';
import type { NodeAdoptBody, NodeAdoptPreviewBody } from './nodes.dto';

type Preview = EngineRpc['node.adopt-preview']['res'];

/**
 * Node adoption (Senlin's node_adopt and node_adopt_preview): an existing cloud resource becomes
 * an ACTIVE orphan node with a profile `prof-<node name>` made from it. Reading the resource and
 * tagging it are cloud work, done by an engine; the rows are written here, in one transaction.
 */
@Injectable()
export class NodeAdoptionService {
  constructor(
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    @Inject(ROOT_LOGGER) private readonly log: Logger,
    private readonly ds: DataSource,
    private readonly nodes: NodeRepository,
    private readonly profiles: ProfileRepository,
    private readonly profileService: ProfilesService,
    private readonly registry: ProfileRegistry,
    private readonly engine: EngineClient,
  ) {}

  /** The spec a node adopted from the resource would get: `{type, version, properties}`. */
  async preview(ctx: RequestContext, req: NodeAdoptPreviewBody): Promise<Preview['node_preview']> {
    // Overrides may carry an admin password; like a profile's spec, it never comes back out.
    return redactSecrets((await this.read(ctx, req)).node_preview);
  }

  /**
   * Records the profile and the node, then has an engine tag the resource with the node's id. If
   * tagging fails the rows go again and the request fails: a node is adopted whole or not at all.
   */
  async adopt(ctx: RequestContext, req: NodeAdoptBody): Promise<NodeEntity> {
    // Senlin checks the name before it looks at the resource.
    if (req.name && this.cfg.NAME_UNIQUE && (await this.nodes.nameTaken(ctx.projectId, req.name))) {
      throw new BadRequest(`The node named (${req.name}) already exists`);
    }
    const name = req.name || formatNodeName(undefined, -1);
    const profileName = `prof-${name}`;
    let found: Preview;
    try {
      found = await this.read(ctx, req);
    } catch (e) {
      if (e instanceof InvalidSpec) throw new InvalidSpec(`Failed in creating profile ${profileName}: ${e.message}`);
      throw e;
    }
    const spec = found.node_preview;
    const now = new Date();
    const profile = Object.assign(new ProfileEntity(), {
      id: newId(),
      name: profileName,
      type: `${spec.type}-${spec.version}`,
      spec,
      metadata: {},
      userId: ctx.userId,
      project: ctx.projectId,
      domain: ctx.domainId,
      createdAt: now,
      updatedAt: null,
    } satisfies ProfileEntity);
    const node = newNode({
      id: newId(),
      name,
      clusterId: null,
      profileId: profile.id,
      userId: ctx.userId,
      project: ctx.projectId,
      domain: ctx.domainId,
      index: -1,
      // Senlin drops the role it is given; Grove keeps it, as node create does.
      role: req.role || null,
      metadata: req.metadata ?? {},
      physicalId: found.physical_id,
      data: found.data,
      status: 'ACTIVE',
      statusReason: 'Node adopted successfully',
      initAt: now,
      createdAt: now,
    });
    const validated = this.registry.validate(spec);
    const hosts = await this.profileService.hostIds(ctx, validated);
    // With NAME_UNIQUE the project's node names queue on one key: the name is checked again there.
    const named = this.cfg.NAME_UNIQUE && req.name;
    const write = async (em: EntityManager) => {
      if (named && (await this.nodes.nameTaken(ctx.projectId, name, em))) {
        throw new BadRequest(`The node named (${name}) already exists`);
      }
      const owner = await this.nodes.claimResource(em, found.physical_id, found.tagged_node);
      if (owner) throw new ResourceAlreadyManaged(found.physical_id, owner.project === ctx.projectId ? owner.id : null);
      await this.profiles.insert(profile, hosts, em);
      await this.nodes.insertMany([node], em);
      await this.nodes.addDependent(found.depends_on, node.id, em);
    };
    await (named ? withKeyLocked(this.ds, projectKey('node', ctx.projectId), write) : this.ds.transaction(write));
    try {
      await this.engine.call('node.adopt', { nodeId: node.id });
    } catch (e) {
      await this.forget(node, profile);
      throw e;
    }
    return node;
  }

  private read(ctx: RequestContext, req: NodeAdoptPreviewBody): Promise<Preview> {
    return this.engine.call('node.adopt-preview', {
      project: ctx.projectId,
      userId: ctx.userId,
      identity: req.identity,
      type: req.type,
      overrides: req.overrides ?? {},
    });
  }

  /** Takes back the rows of an adoption whose resource could not be tagged. */
  private async forget(node: NodeEntity, profile: ProfileEntity): Promise<void> {
    try {
      await this.ds.transaction(async (em) => {
        await this.nodes.removeDependent(node.id, em);
        await this.nodes.delete(node.id, em);
      });
      await this.profiles.delete(profile);
    } catch (e) {
      // The node stays ACTIVE without its tag: usable, only not traceable from the resource.
      this.log.warn({ err: e, node: node.id }, 'could not take back a node whose resource was not tagged');
    }
  }
}
