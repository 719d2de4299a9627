import { Injectable } from '@nestjs/common';
import { HTTPBadRequest, scopeOf, type RequestContext } from '@grove/core';
import { NodeRepository, ProfileRepository } from '@grove/db';
import { EngineClient } from '@grove/rpc';
import { MAX_VERSION } from '../http/microversion';
import { toNodeView } from '../nodes/nodes.view';
import { firstMatch, parseAttributePath } from './attribute-path';
import { ClustersService } from './clusters.service';

export interface CollectedAttribute {
  id: string;
  value: unknown;
}

/**
 * `GET /v1/clusters/{id}/attrs/{path}`: the first value a JSONPath finds in each member's node
 * view (plus the cloud's `details` when the path mentions them); members where it finds nothing
 * are left out.
 */
@Injectable()
export class ClusterCollectService {
  constructor(
    private readonly clusters: ClustersService,
    private readonly nodes: NodeRepository,
    private readonly profiles: ProfileRepository,
    private readonly engine: EngineClient,
  ) {}

  async collect(ctx: RequestContext, identity: string, rawPath: string): Promise<CollectedAttribute[]> {
    const text = rawPath.trim();
    if (text === '' || text === 'None') throw new HTTPBadRequest('Required path attribute is missing.');
    const path = parseAttributePath(text);
    const cluster = await this.clusters.get(ctx, identity);
    const members = await this.nodes.members(cluster.id);
    const names = await this.profiles.namesByIds(members.map((n) => n.profileId));
    const withResource = members.filter((n) => n.physicalId).map((n) => n.id);
    const details =
      text.includes('details') && withResource.length
        ? (await this.engine.call('nodes.details', { scope: scopeOf(ctx), nodeIds: withResource })).details
        : {};
    // The members' specs say which of their stacks' parameters are hidden.
    const specs = new Map<string, unknown>();
    if (Object.keys(details).length)
      for (const id of new Set(members.map((n) => n.profileId))) specs.set(id, (await this.profiles.getById(id))?.spec);
    const out: CollectedAttribute[] = [];
    for (const n of members) {
      const view = toNodeView(
        n,
        names.get(n.profileId) ?? null,
        MAX_VERSION,
        details[n.id] ?? undefined,
        specs.get(n.profileId),
      );
      const value = firstMatch(path, view);
      if (value !== undefined) out.push({ id: n.id, value });
    }
    return out;
  }
}
