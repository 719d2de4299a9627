import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CAUSE_RPC, inParallel, newId, ROOT_LOGGER, shortId, type Logger } from '@grove/core';
import { ActionRepository, LockRepository, newAction, NodeRepository, type NodeEntity } from '@grove/db';
import type { Hypervisor } from '@grove/drivers';
import { ENGINE_OPTIONS, type EngineOptions } from '../engine-options';
import { EngineClient } from '@grove/rpc';
import { ProfileContexts, Profiles, toProfileNode } from '../ports/profiles';

/** How long one node's health check may take; a slower cloud makes the node's health unknown. */
const CHECK_TIMEOUT_MS = 20_000;
/** A recovery's timeout: Senlin's default action timeout, as for a user's NODE_RECOVER. */
const RECOVER_TIMEOUT_S = 3600;
/** Checks of one request at once, so that one large cluster does not open a connection per node. */
const CHECKS_AT_ONCE = 32;

export type NodeHealthReport = { healthy: boolean; reason: string } | null;

/**
 * What the health manager needs of the engine, which holds the cloud credentials: each node's
 * resource as its profile's check finds it (NODE_STATUS_POLLING), and a NODE_RECOVER action for
 * a node it found failed.
 */
@Injectable()
export class NodeHealth {
  constructor(
    @Inject(ROOT_LOGGER) private readonly log: Logger,
    @Inject(ENGINE_OPTIONS) private readonly o: EngineOptions,
    private readonly ds: DataSource,
    private readonly nodes: NodeRepository,
    private readonly actions: ActionRepository,
    private readonly locks: LockRepository,
    private readonly profiles: Profiles,
    private readonly contexts: ProfileContexts,
    private readonly engine: EngineClient,
  ) {}

  async check(nodeIds: readonly string[], of: 'resource' | 'hypervisor'): Promise<Record<string, NodeHealthReport>> {
    const found = await this.nodes.getByIds(nodeIds);
    const out: Record<string, NodeHealthReport> = Object.fromEntries(nodeIds.map((id) => [id, null]));
    // One hypervisor listing per profile (cloud and region) and request, however many nodes.
    const hypervisors = new Map<string, Promise<Hypervisor[]>>();
    await inParallel(found, CHECKS_AT_ONCE, async (node) => {
      out[node.id] = of === 'hypervisor' ? await this.hypervisorOf(node, hypervisors) : await this.one(node);
    });
    return out;
  }

  /** A node without a resource is failed; a check the cloud could not answer is unknown (null). */
  private async one(node: NodeEntity): Promise<NodeHealthReport> {
    if (!node.physicalId) return { healthy: false, reason: 'The node has no cloud resource.' };
    try {
      const profile = await this.profiles.load(node.profileId);
      const signal = AbortSignal.timeout(CHECK_TIMEOUT_MS);
      const ctx = this.contexts.for(profile, signal, new Date(Date.now() + CHECK_TIMEOUT_MS), this.log, node);
      const r = await profile.type.check(ctx, toProfileNode(node), profile.properties);
      return r.state === 'healthy' ? { healthy: true, reason: '' } : { healthy: false, reason: r.reason };
    } catch (e) {
      this.log.warn({ node: node.id, err: (e as Error).message }, 'a health check could not finish');
      return null;
    }
  }

  /**
   * HYPERVISOR_STATUS_POLLING, as Senlin checks it: a server whose compute host Nova shows down or
   * disabled is failed; a node that is not a Nova server, or whose host Nova does not show, gets no
   * verdict.
   */
  private async hypervisorOf(node: NodeEntity, cache: Map<string, Promise<Hypervisor[]>>): Promise<NodeHealthReport> {
    if (!node.physicalId) return null;
    try {
      const profile = await this.profiles.load(node.profileId);
      if (!profile.type.name.startsWith('os.nova.server')) return null;
      const signal = AbortSignal.timeout(CHECK_TIMEOUT_MS);
      const ctx = this.contexts.for(profile, signal, new Date(Date.now() + CHECK_TIMEOUT_MS), this.log, node);
      const server = await ctx.cloud.compute.getServer(node.physicalId, signal);
      if (!server) return { healthy: false, reason: 'The server is gone.' };
      if (!server.hypervisorHost) return null;
      let listing = cache.get(node.profileId);
      if (!listing) cache.set(node.profileId, (listing = ctx.cloud.compute.hypervisors(signal)));
      const hv = (await listing).find(
        (h) => h.hostname === server.hypervisorHost || h.serviceHost === server.hypervisorHost,
      );
      if (!hv) return null;
      if (hv.state === 'down' || hv.status === 'disabled') {
        return {
          healthy: false,
          reason: `Its hypervisor ${hv.hostname} is ${hv.state === 'down' ? 'down' : 'disabled'}.`,
        };
      }
      return { healthy: true, reason: '' };
    } catch (e) {
      this.log.warn({ node: node.id, err: (e as Error).message }, 'a hypervisor check could not finish');
      return null;
    }
  }

  /**
   * A NODE_RECOVER for the node, made as its owner's request would be (their project and user),
   * unless the node is locked or another action is on its way for it: then nothing, and why.
   */
  async recover(
    nodeId: string,
    inputs: Record<string, unknown>,
  ): Promise<{ actionId: string | null; skipped?: string }> {
    const dead = this.o.config.SERVICE_DEAD_AFTER_S;
    const made = await this.ds.transaction(async (em): Promise<{ actionId: string } | { skipped: string }> => {
      const node = await this.nodes.lockRow(em, nodeId);
      if (!node) return { skipped: 'the node is gone' };
      if (await this.locks.nodeLocked(nodeId, dead, em)) return { skipped: 'the node is locked by another action' };
      if ((await this.actions.activeOn(nodeId, em)).length)
        return { skipped: 'another action is on its way for the node' };
      // Node actions share the cluster lock: only a cluster action's hold keeps a recovery out.
      if (node.clusterId && (await this.locks.clusterLocked(node.clusterId, dead, em, 'cluster')))
        return { skipped: 'a cluster action holds the cluster' };
      const action = newAction({
        id: newId(),
        name: `node_recover_${shortId(node.id)}`,
        clusterId: node.clusterId,
        target: node.id,
        action: 'NODE_RECOVER',
        cause: CAUSE_RPC,
        timeout: RECOVER_TIMEOUT_S,
        statusReason: 'Action is ready to run',
        inputs,
        context: {
          requestId: null,
          userId: node.userId,
          projectId: node.project,
          domainId: node.domain,
          roles: [],
          isAdmin: false,
        },
        userId: node.userId,
        project: node.project,
        domain: node.domain,
      });
      await this.actions.insert([action], em);
      return { actionId: action.id };
    });
    if ('skipped' in made) return { actionId: null, skipped: made.skipped };
    this.engine.announceLater([made.actionId]);
    return made;
  }
}
