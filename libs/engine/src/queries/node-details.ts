import { Inject, Injectable } from '@nestjs/common';
import { CloudError, ROOT_LOGGER, type Logger, type Scope } from '@grove/core';
import { NodeRepository, type NodeEntity } from '@grove/db';
import { ProfileContexts, Profiles, toProfileNode } from '../ports/profiles';

/** How long a details call may take before the node shows an error instead. */
const DETAILS_TIMEOUT_MS = 20_000;

/** The cloud's view of nodes for `show_details` and collect paths that mention `details`. */
@Injectable()
export class NodeDetails {
  constructor(
    @Inject(ROOT_LOGGER) private readonly log: Logger,
    private readonly nodes: NodeRepository,
    private readonly profiles: Profiles,
    private readonly contexts: ProfileContexts,
  ) {}

  async one(scope: Scope, nodeId: string): Promise<Record<string, unknown>> {
    return this.of(await this.nodes.get(scope, nodeId));
  }

  async many(scope: Scope, nodeIds: string[]): Promise<Record<string, Record<string, unknown> | null>> {
    const found = (await this.nodes.getByIds(nodeIds)).filter(
      (n) => scope.kind === 'all' || n.project === scope.projectId,
    );
    const out: Record<string, Record<string, unknown> | null> = Object.fromEntries(nodeIds.map((id) => [id, null]));
    await Promise.all(found.map(async (n) => (out[n.id] = await this.of(n))));
    return out;
  }

  /** Cloud failures become an `Error` entry, as Senlin shows them, rather than failing the request. */
  private async of(node: NodeEntity): Promise<Record<string, unknown>> {
    if (!node.physicalId) return {};
    const profile = await this.profiles.load(node.profileId);
    const signal = AbortSignal.timeout(DETAILS_TIMEOUT_MS);
    const ctx = this.contexts.for(profile, signal, new Date(Date.now() + DETAILS_TIMEOUT_MS), this.log, node);
    try {
      return await profile.type.details(ctx, toProfileNode(node), profile.properties);
    } catch (e) {
      if (e instanceof CloudError || signal.aborted) {
        return { Error: { code: (e as CloudError).httpStatus ?? 500, message: (e as Error).message } };
      }
      throw e;
    }
  }
}
