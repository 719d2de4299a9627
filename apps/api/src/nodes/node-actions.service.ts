import { Injectable } from '@nestjs/common';
import {
  BadRequest,
  HTTPBadRequest,
  resolveParams,
  shortId,
  SpecError,
  type ActionInputs,
  type RequestContext,
} from '@grove/core';
import { ProfileRepository } from '@grove/db';
import { ProfileRegistry } from '@grove/profiles';
import { recoverInputs } from '../actions/recover-params';
import { isMap, singleVerb } from '../http/verb-body';
import { NodesService } from './nodes.service';

/**
 * `POST /v1/nodes/{id}/actions` (`check`, `recover`) and `/ops` (the profile type's operations),
 * with Senlin's order of checks: the body, then the node, then the parameters.
 */
@Injectable()
export class NodeActionsService {
  constructor(
    private readonly nodes: NodesService,
    private readonly profiles: ProfileRepository,
    private readonly registry: ProfileRegistry,
  ) {}

  async act(ctx: RequestContext, identity: string, body: unknown): Promise<string> {
    const [verb, params] = singleVerb(body, { none: 'No action specified.', many: 'Multiple actions specified.' });
    if (verb !== 'check' && verb !== 'recover') throw new HTTPBadRequest(`Unrecognized action '${verb}' specified`);
    if (!isMap(params)) throw new HTTPBadRequest('The params provided is not a map.');
    const node = await this.nodes.get(ctx, identity);
    if (verb === 'check') {
      const inputs: ActionInputs['NODE_CHECK'] = params;
      return this.nodes.act(ctx, node, { action: 'NODE_CHECK', inputs });
    }
    const inputs: ActionInputs['NODE_RECOVER'] = recoverInputs(params, 'node');
    return this.nodes.act(ctx, node, { action: 'NODE_RECOVER', inputs });
  }

  /** `{"<op>": {<params>}}`: the params map sits directly under the operation's name. */
  async operation(ctx: RequestContext, identity: string, body: unknown): Promise<string> {
    const [op, raw] = singleVerb(body, { none: 'No operation specified.', many: 'Multiple operations specified.' });
    if (raw !== null && raw !== undefined && !isMap(raw)) throw new HTTPBadRequest('The params provided is not a map.');
    const node = await this.nodes.get(ctx, identity);
    const profile = await this.profiles.getById(node.profileId);
    const typeKey = profile?.type ?? '';
    const ops = this.registry.has(typeKey) ? this.registry.get(typeKey).operations : {};
    if (!Object.hasOwn(ops, op)) {
      throw new BadRequest(`The requested operation '${op}' is not supported by the profile type '${typeKey}'.`);
    }
    let params: Record<string, unknown>;
    try {
      params = resolveParams(ops[op], raw ?? {});
    } catch (e) {
      if (e instanceof SpecError) throw new BadRequest(e.reason);
      throw e;
    }
    const inputs: ActionInputs['NODE_OPERATION'] = { operation: op, params };
    return this.nodes.act(ctx, node, { action: 'NODE_OPERATION', inputs, name: `node_${op}_${shortId(node.id)}` });
  }
}
