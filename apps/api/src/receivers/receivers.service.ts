import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  BadRequest,
  HTTPBadRequest,
  MultipleChoices,
  newId,
  ResourceNotFound,
  ROOT_LOGGER,
  scopeOf,
  type ApiConfig,
  type Logger,
  type RequestContext,
  type Scope,
} from '@grove/core';
import {
  ClusterRepository,
  projectKey,
  ReceiverEntity,
  ReceiverRepository,
  withKeyLocked,
  type ListQuery,
  type ReceiverPatch,
} from '@grove/db';
import { enforce } from '../http/access-rules';
import type { GroveRequest } from '../http/grove-request';
import { atLeast, GROVE_EXTENSIONS, type ApiVersion } from '../http/microversion';
import { API_CONFIG } from '../http/request-context.middleware';
import { alarmUrl, brokerChannel, receiverQueue, webhookBase, withParams } from './receiver-channel';
import { ReceiverQueues } from './receiver-queues.service';
import type { ReceiverCreate, ReceiverUpdate } from './receivers.dto';

/** The shortest secret a signed webhook takes. */
export const MIN_SECRET_LENGTH = 16;

@Injectable()
export class ReceiversService {
  constructor(
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    @Inject(ROOT_LOGGER) private readonly log: Logger,
    private readonly ds: DataSource,
    private readonly receivers: ReceiverRepository,
    private readonly clusters: ClusterRepository,
    private readonly queues: ReceiverQueues,
  ) {}

  list(scope: Scope, q: ListQuery): Promise<ReceiverEntity[]> {
    return this.receivers.list(scope, q);
  }

  get(ctx: RequestContext, identity: string): Promise<ReceiverEntity> {
    return this.receivers.get(scopeOf(ctx), identity);
  }

  /**
   * Senlin's checks in its order: a webhook needs a cluster and an action (not CLUSTER_CREATE),
   * the cluster must exist (a 400 about "the referenced cluster") and be the caller's unless the
   * caller is an admin (403). A message receiver ignores both and gets a queue on the broker.
   */
  async create(ctx: RequestContext, v: ApiVersion, req: GroveRequest, body: ReceiverCreate): Promise<ReceiverEntity> {
    if (body.secret !== undefined && !atLeast(v, GROVE_EXTENSIONS)) {
      throw new HTTPBadRequest(`Additional properties are not allowed ('secret' was unexpected)`);
    }
    await this.ensureNameFree(ctx, body.name);
    const r = Object.assign(new ReceiverEntity(), {
      id: newId(),
      name: body.name,
      type: body.type,
      clusterId: null,
      action: null,
      params: body.params ?? {},
      actor: {},
      channel: {},
      secret: null,
      userId: ctx.userId,
      project: ctx.projectId,
      domain: ctx.domainId,
      createdAt: new Date(),
      updatedAt: null,
    } satisfies ReceiverEntity);

    if (body.type === 'message') {
      if (body.secret !== undefined) throw new BadRequest('Only webhook receivers can be signed');
      if (!this.queues.available) {
        throw new BadRequest(
          'Message receivers need RabbitMQ, and this Grove runs on its in-process bus (AMQP_URL is not set). ' +
            'Set AMQP_URL to a RabbitMQ that senders can reach to use them; webhook receivers work without it',
        );
      }
      r.channel = brokerChannel(receiverQueue(r.id), this.cfg.RECEIVER_BROKER_URL ?? this.cfg.AMQP_URL!);
      await this.queues.create(r.id);
      try {
        await this.insertNamed(ctx, r);
      } catch (e) {
        await this.queues.delete(r.id).catch(() => undefined);
        throw e;
      }
      await this.queues.follow(r);
      return r;
    }

    if (body.cluster_id === undefined || body.cluster_id === null) {
      throw new BadRequest('Cluster identity is required for creating webhook receiver');
    }
    if (body.action === undefined || body.action === null) {
      throw new BadRequest('Action name is required for creating webhook receiver');
    }
    refuseCreate(body.action);
    const cluster = await this.referencedCluster(ctx, body.cluster_id);
    enforce(ctx, 'receivers:create', cluster.userId);
    if (body.secret !== undefined && body.secret.length < MIN_SECRET_LENGTH) {
      throw new BadRequest(`The secret of a signed webhook must be at least ${MIN_SECRET_LENGTH} characters long`);
    }
    Object.assign(r, {
      clusterId: cluster.id,
      action: body.action,
      secret: body.secret ?? null,
      channel: { alarm_url: alarmUrl(webhookBase(this.cfg, req), r.id, r.params) },
    });
    return this.insertNamed(ctx, r);
  }

  private async ensureNameFree(ctx: RequestContext, name: string, em?: EntityManager): Promise<void> {
    if (this.cfg.NAME_UNIQUE && (await this.receivers.nameTaken(ctx.projectId, name, em))) {
      throw new BadRequest(`A receiver named '${name}' already exists`);
    }
  }

  /** With NAME_UNIQUE the project's receiver names queue on one key, and the name is checked again there. */
  private insertNamed(ctx: RequestContext, r: ReceiverEntity): Promise<ReceiverEntity> {
    if (!this.cfg.NAME_UNIQUE) return this.receivers.insert(r);
    return withKeyLocked(this.ds, projectKey('receiver', ctx.projectId), async (em) => {
      await this.ensureNameFree(ctx, r.name, em);
      return this.receivers.insert(r, em);
    });
  }

  /** The cluster a receiver names: one the caller can see, else a 400 (Senlin's "referenced" message). */
  private async referencedCluster(ctx: RequestContext, identity: string) {
    try {
      return await this.clusters.get(scopeOf(ctx), identity);
    } catch (e) {
      if (e instanceof ResourceNotFound)
        throw new BadRequest(`The referenced cluster '${identity}' could not be found`);
      if (e instanceof MultipleChoices) throw new BadRequest(e.message);
      throw e;
    }
  }

  /**
   * Name, action and params; nothing that differs is a 400. A webhook's alarm_url gets the new
   * params in its query (Senlin leaves the old query in place, which only misleads).
   */
  async update(ctx: RequestContext, identity: string, body: ReceiverUpdate): Promise<ReceiverEntity> {
    const r = await this.receivers.get(scopeOf(ctx), identity);
    const patch: ReceiverPatch = {};
    if (body.name !== undefined && body.name !== null && body.name !== r.name) patch.name = body.name;
    if (body.action !== undefined && body.action !== null && body.action !== r.action) {
      refuseCreate(body.action);
      patch.action = body.action;
    }
    if (body.params !== undefined && body.params !== null && JSON.stringify(body.params) !== JSON.stringify(r.params)) {
      patch.params = body.params;
      const url = r.channel.alarm_url;
      if (typeof url === 'string') patch.channel = { ...r.channel, alarm_url: withParams(url, r.id, body.params) };
    }
    if (!Object.keys(patch).length) throw new BadRequest('No property needs an update');
    await this.receivers.update(r.id, patch);
    return { ...r, ...patch, updatedAt: new Date() };
  }

  /** The row first, then the queue: a queue whose receiver is gone is never made again (ReceiverQueues.follow). */
  async delete(ctx: RequestContext, identity: string): Promise<void> {
    const r = await this.receivers.get(scopeOf(ctx), identity);
    await this.receivers.delete(r.id);
    if (r.type === 'message') {
      await this.queues
        .delete(r.id)
        .catch((e: unknown) =>
          this.log.warn(
            { err: e, receiverId: r.id, queue: receiverQueue(r.id) },
            'could not delete the queue of a deleted receiver',
          ),
        );
    }
  }

  /**
   * Senlin's notify: the owner (or an admin) of a message receiver asks for its queue to be read
   * now. The queue's consumers read it as messages come; this makes sure this process is one.
   */
  async notify(ctx: RequestContext, identity: string): Promise<void> {
    const r = await this.receivers.get(scopeOf(ctx), identity);
    enforce(ctx, 'receivers:notify', r.userId);
    if (r.type !== 'message') throw new BadRequest('Notifying non-message receiver is not allowed');
    await this.queues.follow(r);
  }
}

/** Senlin refuses webhooks that would create a cluster; Grove refuses it on update too. */
function refuseCreate(action: string): void {
  if (action === 'CLUSTER_CREATE') throw new BadRequest(`Action name cannot be any of ['CLUSTER_CREATE']`);
}
