import { Inject, Injectable } from '@nestjs/common';
import {
  BadRequest,
  CLUSTER_ACTIONS,
  EVENT_LEVELS,
  GroveError,
  MultipleChoices,
  newId,
  projectScope,
  ROOT_LOGGER,
  shortId,
  type ClusterActionName,
  type Logger,
  type RequestContext,
} from '@grove/core';
import { ClusterRepository, EventRepository, type ClusterEntity, type ReceiverEntity } from '@grove/db';
import { ClusterActionsService } from '../clusters/cluster-actions.service';
import type { ActOptions } from '../clusters/clusters.service';
import { isMap } from '../http/verb-body';

/** What a message on a receiver's queue asks for, once read. */
interface MessageRequest {
  cluster: string;
  action: ClusterActionName;
  params: Record<string, unknown>;
}

/** Attempts at a message whose action could not be recorded for a reason not its own (database away). */
const MESSAGE_ATTEMPTS = 3;
const RETRY_MS = 1_000;

/**
 * What receivers start: the receiver's cluster action, created as its owner (the user and project
 * of the receiver row; the caller of a webhook may be anybody) through the checks of the cluster
 * action API (ClusterActionsService.actFor).
 */
@Injectable()
export class ReceiverActions {
  constructor(
    @Inject(ROOT_LOGGER) private readonly log: Logger,
    private readonly clusters: ClusterRepository,
    private readonly clusterActions: ClusterActionsService,
    private readonly events: EventRepository,
  ) {}

  /** The request context of the receiver's owner. */
  private ownerOf(r: ReceiverEntity, requestId: string): RequestContext {
    return { requestId, userId: r.userId, projectId: r.project, domainId: r.domain, roles: [], isAdmin: false };
  }

  /**
   * A webhook's action on its cluster (read with the receiver), named `webhook_<receiver id8>`;
   * returns the action id.
   */
  async trigger(
    r: ReceiverEntity,
    cluster: ClusterEntity | null,
    inputs: Record<string, unknown>,
    o: { requestId: string; claim?: ActOptions['claim'] },
  ): Promise<string> {
    // The cluster was checked when the receiver was made; it may have gone since.
    if (!cluster) throw new BadRequest(`The referenced cluster '${r.clusterId}' could not be found`);
    return this.clusterActions.actFor(this.ownerOf(r, o.requestId), r.action as ClusterActionName, cluster, inputs, {
      name: `webhook_${shortId(r.id)}`,
      claim: o.claim,
    });
  }

  /** Grove (1.15): what the receiver's trigger would do, decided as for the real one, nothing changed. */
  previewTrigger(
    r: ReceiverEntity,
    cluster: ClusterEntity | null,
    inputs: Record<string, unknown>,
    requestId: string,
  ): Promise<Record<string, unknown>> {
    return this.clusterActions.preview(this.ownerOf(r, requestId), () =>
      this.trigger(r, cluster, inputs, { requestId }),
    );
  }

  /**
   * A message from a message receiver's queue: `{"cluster": <name or id>, "action": <cluster
   * action>, "params": {…}}` (Senlin's format; a Zaqar-style `{"body": {…}}` is read too). A
   * malformed one is dropped with a log line; one that is refused (cluster not the owner's, a
   * conflict, a bad input) is logged and recorded as an error event of its cluster.
   */
  async fromMessage(r: ReceiverEntity, data: unknown, messageId: string | undefined): Promise<string | null> {
    const log = this.log.child({ receiverId: r.id, messageId });
    const req = readMessage(data);
    if (typeof req === 'string') {
      log.warn({ problem: req }, 'dropped a malformed message of a message receiver');
      return null;
    }
    const cluster = await this.findCluster(r, req.cluster);
    if (!cluster) {
      log.warn({ cluster: req.cluster }, `refused a message: cluster (${req.cluster}) cannot be found`);
      return null;
    }
    const name = `receiver_${shortId(r.id)}_${shortId(messageId ?? newId())}`;
    for (let attempt = 1; ; attempt++) {
      try {
        if (cluster.userId !== r.userId) {
          throw new BadRequest(`${r.userId} is not allowed to trigger actions on cluster ${req.cluster}`);
        }
        const actionId = await this.clusterActions.actFor(
          this.ownerOf(r, `req-${newId()}`),
          req.action,
          cluster,
          req.params,
          { name },
        );
        log.info({ actionId, action: req.action, clusterId: cluster.id }, 'message receiver started an action');
        return actionId;
      } catch (e) {
        if (e instanceof GroveError && e.status < 500) {
          await this.recordRefusal(r, cluster, req.action, e.message);
          log.warn({ clusterId: cluster.id, action: req.action, reason: e.message }, 'refused a message');
          return null;
        }
        if (attempt >= MESSAGE_ATTEMPTS) throw e;
        log.warn({ err: e, attempt }, 'could not act on a message; trying again');
        await new Promise((res) => setTimeout(res, RETRY_MS));
      }
    }
  }

  /** The cluster a message names, among its owner's project's (by id, name or short id); null when none or several. */
  private async findCluster(r: ReceiverEntity, identity: string): Promise<ClusterEntity | null> {
    try {
      return await this.clusters.find(projectScope(r.project), identity);
    } catch (e) {
      if (e instanceof MultipleChoices) return null;
      throw e;
    }
  }

  /** A refused message as an event of its cluster, so the owner can see why nothing happened. */
  private async recordRefusal(r: ReceiverEntity, c: ClusterEntity, action: string, reason: string): Promise<void> {
    await this.events.insert([
      {
        id: newId(),
        timestamp: new Date(),
        oid: c.id,
        oname: c.name,
        otype: 'CLUSTER',
        clusterId: c.id,
        level: EVENT_LEVELS.ERROR,
        userId: r.userId,
        project: r.project,
        action,
        status: 'error',
        statusReason: `Message to receiver ${r.name} (${shortId(r.id)}) refused: ${reason}`,
        metaData: { receiver_id: r.id },
        actionId: null,
      },
    ]);
  }
}

/** A message's request, or what is wrong with it. */
function readMessage(data: unknown): MessageRequest | string {
  let body = data;
  if (isMap(body) && body.cluster === undefined && isMap(body.body)) body = body.body;
  if (!isMap(body)) return 'Message body is not a JSON object.';
  const { cluster, action, params } = body;
  if (!cluster || !action) return 'Both cluster identity and action must be specified.';
  if (typeof cluster !== 'string') return 'The cluster identity must be a string.';
  if (typeof action !== 'string' || !(CLUSTER_ACTIONS as readonly string[]).includes(action)) {
    return `Illegal cluster action '${String(action)}' specified.`;
  }
  if (params !== undefined && params !== null && !isMap(params)) return 'The params must be a JSON object.';
  return { cluster, action: action as ClusterActionName, params: params ?? {} };
}
