import { Inject, Injectable } from '@nestjs/common';
import {
  BadRequest,
  CloudAuthError,
  CloudError,
  InvalidSpec,
  ProfileOperationFailed,
  ResourceNotFound,
  ROOT_LOGGER,
  ServiceUnavailable,
  SpecError,
  type Logger,
} from '@grove/core';
import { NodeRepository } from '@grove/db';
import { CloudConnector, type CloudOwner } from '@grove/drivers';
import { ProfileError, ProfileRegistry, type ProfileContext, type ProfileType } from '@grove/profiles';
import type { EngineRpc } from '@grove/rpc';
import { ENGINE_OPTIONS, type EngineOptions } from '../engine-options';
import { ProfileContexts, Profiles, toProfileNode } from '../ports/profiles';

/** How long reading (or tagging) the resource may take; under the api's RPC timeout. */
const ADOPT_TIMEOUT_MS = 20_000;

type PreviewReq = EngineRpc['node.adopt-preview']['req'];
type PreviewRes = EngineRpc['node.adopt-preview']['res'];

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Lays the request's overrides over what was read, key by key as Senlin's `spec.update` does.
 * An override of null drops the property (Senlin would keep a null, which means "not set" to it).
 */
export function withOverrides(
  read: Readonly<Record<string, unknown>>,
  overrides: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...read };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

/**
 * Node adoption's cloud side (Senlin's `_node_adopt_preview` and `do_adopt`): reads an existing
 * resource through its profile type, describes it as a spec with the overrides on top and checks
 * that spec as profile create would; later tags the resource with the node the api recorded.
 * Failures are GroveErrors the api answers with a 4xx: a type Grove does not know or that cannot
 * adopt, a resource that is not there, a spec that does not hold. Only an unreachable cloud is a 503.
 */
@Injectable()
export class NodeAdoption {
  constructor(
    @Inject(ENGINE_OPTIONS) private readonly o: EngineOptions,
    @Inject(ROOT_LOGGER) private readonly log: Logger,
    private readonly registry: ProfileRegistry,
    private readonly cloud: CloudConnector,
    private readonly contexts: ProfileContexts,
    private readonly nodes: NodeRepository,
    private readonly profiles: Profiles,
  ) {}

  async preview(req: PreviewReq): Promise<PreviewRes> {
    const type = this.typeOf(req.type);
    const overrides = req.overrides ?? {};
    const signal = AbortSignal.timeout(ADOPT_TIMEOUT_MS);
    // The overrides may move the resource to another region (`context.region_name`).
    const region = isMap(overrides.context) ? overrides.context.region_name : undefined;
    const owner = req.userId ? { userId: req.userId, project: req.project } : undefined;
    const ctx = this.context(typeof region === 'string' ? region : undefined, signal, owner);
    const found = await this.guard(signal, () =>
      type.adopt!.read(ctx, { identity: req.identity, project: req.project, overrides }),
    );
    const properties = withOverrides(found.properties, overrides);
    const spec = { type: type.name, version: type.version, properties };
    let validated;
    try {
      validated = this.registry.validate(spec);
    } catch (e) {
      if (e instanceof SpecError) throw new InvalidSpec(e.reason);
      throw e;
    }
    await this.guard(signal, () => validated.type.validateInCloud(ctx, validated.properties, req.project));
    return {
      node_preview: spec,
      physical_id: found.physicalId,
      data: found.data ?? {},
      depends_on: found.dependsOn ?? [],
      tagged_node: found.taggedNode,
    };
  }

  /** Tags the resource of an adopted node with the node's id (its row exists by now). */
  async tag(nodeId: string): Promise<void> {
    const node = await this.nodes.getById(nodeId);
    if (!node) throw new ResourceNotFound('node', nodeId);
    const profile = await this.profiles.load(node.profileId);
    const signal = AbortSignal.timeout(ADOPT_TIMEOUT_MS);
    const ctx = this.contexts.for(profile, signal, new Date(Date.now() + ADOPT_TIMEOUT_MS), this.log, node);
    await this.guard(signal, () => profile.type.adopt!.tag(ctx, toProfileNode(node), profile.properties));
  }

  /** Senlin answers an unknown type with a 400 (its ResourceNotFound turned into a BadRequest). */
  private typeOf(key: string): ProfileType<Record<string, unknown>> {
    if (!this.registry.has(key)) throw new BadRequest(`The profile_type '${key}' could not be found.`);
    const type = this.registry.get(key) as ProfileType<Record<string, unknown>>;
    if (!type.adopt) throw new BadRequest(`The profile_type '${key}' does not support adopting nodes.`);
    return type;
  }

  private context(region: string | undefined, signal: AbortSignal, owner?: CloudOwner): ProfileContext {
    const cloud = this.cloud.forRegion(region ?? this.o.config.CLOUD_REGION_NAME, owner);
    return {
      cloud,
      signal,
      log: this.log,
      nodes: this.contexts.nodeDirectory,
      waitOptions: (capMs) => cloud.wait(Math.min(capMs ?? ADOPT_TIMEOUT_MS, ADOPT_TIMEOUT_MS), signal),
    };
  }

  /**
   * A resource that is not there or that the cloud refuses to show is the request's fault (400,
   * with Senlin's `<code>: <message>`); a spec problem is InvalidSpec; a cloud that cannot be
   * reached (or answers 5xx, or is too slow) is ServiceUnavailable.
   */
  private async guard<T>(signal: AbortSignal, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      if (e instanceof SpecError) throw new InvalidSpec(e.reason);
      if (e instanceof ProfileError) throw new ProfileOperationFailed(e.message);
      const unreachable = () =>
        new ServiceUnavailable(`The cloud could not be reached to adopt the resource: ${(e as Error).message}`);
      if (e instanceof CloudError) {
        const status = e.httpStatus;
        // Grove's own credentials being refused is not the request's fault.
        if (!(e instanceof CloudAuthError) && status !== undefined && status >= 400 && status < 500)
          throw new ProfileOperationFailed(`${status}: ${e.message}`);
        throw unreachable();
      }
      if (signal.aborted) throw unreachable();
      throw e;
    }
  }
}
