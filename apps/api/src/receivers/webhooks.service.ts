import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { BadRequest, HTTPBadRequest, ROOT_LOGGER, type ApiConfig, type Logger } from '@grove/core';
import { ReceiverRepository } from '@grove/db';
import { atLeast, type ApiVersion } from '../http/microversion';
import { API_CONFIG } from '../http/request-context.middleware';
import { pyRepr } from '../http/senlin-validators';
import { isMap } from '../http/verb-body';
import { ReceiverActions } from './receiver-actions.service';
import { checkSignature } from './webhook-signature';

/** What a trigger request carries. */
export interface TriggerRequest {
  /** The receiver's id, name or short id from the path. */
  identity: string;
  v: ApiVersion;
  /** Every `V` of the query. */
  webhookVersion: string[];
  /** The parsed JSON body (undefined when there is none). */
  body: unknown;
  /** The body as it was sent, which a signature covers. */
  rawBody: Buffer;
  timestamp?: string;
  signature?: string;
  idempotencyKey?: string;
  requestId: string;
  /** Grove (1.15, `?preview=true`): answer what the trigger would do instead of doing it. */
  preview?: boolean;
}

/** Kinds of trigger keys: a client's Idempotency-Key, and a signature (a replay of a signed trigger). */
const IDEMPOTENCY = 'key:';
const SIGNATURE = 'sig:';
/** How often old trigger keys are purged. */
const PURGE_MS = 10 * 60_000;

/** A retried trigger: the transaction ends without acting, and the first trigger's action is the answer. */
class Replayed extends Error {
  constructor(readonly actionId: string) {
    super('replayed trigger');
  }
}

/**
 * `POST /v1/webhooks/{id}/trigger?V=2`: no token (whoever knows the URL may trigger it, as with
 * Senlin); the receiver's action is created as its owner. Grove adds signed webhooks (a receiver
 * with a secret only takes signed triggers) and Idempotency-Key, both remembered per receiver so a
 * retry or a replay returns the action of the first trigger instead of acting twice.
 */
@Injectable()
export class WebhooksService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    @Inject(ROOT_LOGGER) private readonly log: Logger,
    private readonly receivers: ReceiverRepository,
    private readonly actions: ReceiverActions,
  ) {}

  onApplicationBootstrap(): void {
    void this.purge();
    this.timer = setInterval(() => void this.purge(), PURGE_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Forgets idempotency keys older than WEBHOOK_IDEMPOTENCY_TTL_S and signatures older than twice the replay window. */
  async purge(): Promise<number> {
    try {
      return await this.receivers.purgeTriggers(
        this.cfg.WEBHOOK_IDEMPOTENCY_TTL_S,
        SIGNATURE,
        2 * this.cfg.WEBHOOK_REPLAY_WINDOW_S,
      );
    } catch (e) {
      this.log.warn({ err: e }, 'could not purge old webhook trigger keys');
      return 0;
    }
  }

  /** Returns the id of the action the trigger made, or the one an earlier trigger with its key made. */
  async trigger(t: TriggerRequest): Promise<string | { preview: Record<string, unknown> }> {
    if (!t.webhookVersion.some(Boolean)) {
      throw new HTTPBadRequest('V query parameter is required in webhook trigger URL');
    }
    const { receiver, cluster } = await this.receivers.getForTrigger(t.identity);
    if (receiver.type !== 'webhook') throw new BadRequest(`The receiver '${t.identity}' is not a webhook`);
    const keys: { key: string; ttlS: number }[] = [];
    if (receiver.secret !== null) {
      const sig = checkSignature(
        receiver.secret,
        { timestamp: t.timestamp, signature: t.signature, body: t.rawBody },
        this.cfg.WEBHOOK_REPLAY_WINDOW_S,
      );
      keys.push({ key: `${SIGNATURE}${sig}`, ttlS: 2 * this.cfg.WEBHOOK_REPLAY_WINDOW_S });
    }
    if (t.idempotencyKey !== undefined) {
      if (!/^[\x21-\x7e][\x20-\x7e]{0,199}$/.test(t.idempotencyKey)) {
        throw new HTTPBadRequest('The Idempotency-Key header must be 1 to 200 printable ASCII characters.');
      }
      keys.push({ key: `${IDEMPOTENCY}${t.idempotencyKey}`, ttlS: this.cfg.WEBHOOK_IDEMPOTENCY_TTL_S });
    }
    if (t.preview) {
      // Signed receivers still need a good signature; nothing is remembered of a preview.
      const inputs = { ...receiver.params, ...triggerParams(t) };
      return { preview: await this.actions.previewTrigger(receiver, cluster, inputs, t.requestId) };
    }
    // The common retry, long after the first: answered with one read, before any other check.
    const earlier = await this.receivers.triggeredBefore(receiver.id, keys);
    if (earlier) return earlier;

    const inputs = { ...receiver.params, ...triggerParams(t) };
    try {
      return await this.actions.trigger(receiver, cluster, inputs, {
        requestId: t.requestId,
        claim: keys.length ? (em, actionId) => this.claim(em, receiver.id, keys, actionId) : undefined,
      });
    } catch (e) {
      if (e instanceof Replayed) return e.actionId;
      throw e;
    }
  }

  /**
   * In the transaction that records the action, under the cluster's row lock: every key of the
   * trigger is remembered with this action, unless a concurrent trigger with one of them committed
   * first, whose action is then the answer (and nothing of this one is written).
   */
  private async claim(
    em: EntityManager,
    receiverId: string,
    keys: readonly { key: string; ttlS: number }[],
    actionId: string,
  ): Promise<void> {
    for (const k of keys) {
      const winner = await this.receivers.rememberTrigger(receiverId, k.key, actionId, k.ttlS, em);
      if (winner !== actionId) throw new Replayed(winner);
    }
  }
}

/**
 * What the trigger adds to the receiver's params (Senlin's rules): before 1.10, `V=1` takes
 * `{"params": {…}}` and any other V the whole body; from 1.10 the whole body. No body adds nothing.
 */
function triggerParams(t: TriggerRequest): Record<string, unknown> {
  let params: unknown = t.body;
  if (!atLeast(t.v, '1.10') && t.webhookVersion.length === 1 && t.webhookVersion[0] === '1') {
    if (t.body !== undefined && t.body !== null) {
      if (!isMap(t.body)) throw new HTTPBadRequest(`${pyRepr(t.body)} is not of type 'object'`);
      const extra = Object.keys(t.body).filter((k) => k !== 'params');
      if (extra.length) {
        throw new HTTPBadRequest(
          `Additional properties are not allowed (${extra.map((k) => `'${k}'`).join(', ')} ${extra.length > 1 ? 'were' : 'was'} unexpected)`,
        );
      }
    }
    params = isMap(t.body) ? t.body.params : undefined;
  }
  if (params === undefined || params === null || params === '') return {};
  if (!isMap(params)) throw new HTTPBadRequest(`${pyRepr(params)} is not of type 'object', 'null'`);
  return params;
}
