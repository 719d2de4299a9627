import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ACTIVE_ACTION_STATUSES, type ActionName, type ActionStatus, type Scope } from '@grove/core';
import { findByIdentity, listPage, type ListQuery, type Listable } from '../list-query';
import { releaseLocksCte } from '../lock/lock.repository';
import { insertRows, rowById, rowsByIds, sql, toEntities } from '../rows';
import { exactlyOne } from '../scope-sql';
import { ActionEntity, DependencyEntity } from './action.entity';

export const ACTION_LIST: Listable = {
  table: 'action',
  sortable: ['name', 'target', 'action', 'created_at', 'status'],
  filterable: { name: 'text', target: 'uuid', action: 'text', status: 'text', cluster_id: 'uuid' },
  defaultSort: 'created_at',
};

/** How a RUNNING action ends. */
export interface ActionEnd {
  status: Extract<ActionStatus, 'SUCCEEDED' | 'FAILED' | 'CANCELLED'>;
  reason: string;
  outputs?: Record<string, unknown>;
  data?: Record<string, unknown>;
}

const ACTIVE = ACTIVE_ACTION_STATUSES as readonly string[];

/**
 * Who runs an action now: the engine and the epoch of its claim. Every claim and every takeover
 * raises the epoch, so it is a fencing token: a write that names a claim lands only while that
 * claim holds, and an engine that was paused and taken over cannot write as the owner any more.
 */
export interface Claim {
  readonly actionId: string;
  readonly engineId: string;
  readonly epoch: number;
}

export const claimOf = (a: Pick<ActionEntity, 'id' | 'owner' | 'epoch'>): Claim => ({
  actionId: a.id,
  engineId: a.owner ?? '',
  epoch: a.epoch,
});

/** A write named a claim that no longer holds: the action was taken over, cancelled or has ended. */
export class ClaimLost extends Error {
  constructor(readonly claim: Claim) {
    super(`Action ${claim.actionId} is no longer run by engine ${claim.engineId} (claim ${claim.epoch}).`);
    this.name = 'ClaimLost';
  }
}

/**
 * SQL that finds the claimed row and locks it FOR SHARE until the statement's transaction ends, so
 * a takeover (an UPDATE of that row) waits for the write, then finds its epoch raised; or the write
 * waits for the takeover, then finds nothing. `$n` are the claim's three parameters.
 */
export const heldRow = (idParam: string, ownerParam: string, epochParam: string): string =>
  `SELECT 1 FROM action WHERE id = ${idParam} AND status = 'RUNNING' AND owner = ${ownerParam} AND epoch = ${epochParam} FOR SHARE`;

@Injectable()
export class ActionRepository {
  constructor(private readonly ds: DataSource) {}

  async get(scope: Scope, identity: string): Promise<ActionEntity> {
    return exactlyOne(
      await findByIdentity(this.ds, ActionEntity, 'action', scope, identity, { byName: true }),
      'action',
      identity,
    );
  }

  async getById(id: string, em: EntityManager = this.ds.manager): Promise<ActionEntity | null> {
    return rowById(this.ds, ActionEntity, id, em === this.ds.manager ? undefined : em);
  }

  async getByIds(ids: readonly string[]): Promise<ActionEntity[]> {
    return rowsByIds(this.ds, ActionEntity, ids);
  }

  list(scope: Scope, q: ListQuery): Promise<ActionEntity[]> {
    return listPage(this.ds, ActionEntity, ACTION_LIST, scope, q);
  }

  async insert(actions: readonly ActionEntity[], em: EntityManager = this.ds.manager): Promise<void> {
    await insertRows(em, this.ds, ActionEntity, actions);
  }

  /** `depended` must end before `dependent` goes on. */
  async addDependencies(pairs: readonly DependencyEntity[], em: EntityManager = this.ds.manager): Promise<void> {
    await insertRows(em, this.ds, DependencyEntity, pairs, 1000);
  }

  /**
   * Actions on `target` that still have work ahead, except those named in `except`. Run it inside
   * the transaction that holds the target's row lock, so the check and the insert that follows
   * cannot interleave with another request's.
   */
  async activeOn(target: string, em: EntityManager, except: readonly ActionName[] = []): Promise<ActionEntity[]> {
    const { rows } = await sql(
      em,
      `SELECT * FROM action WHERE target = $1 AND status = ANY($2::text[]) AND NOT (action = ANY($3::text[]))`,
      [target, ACTIVE, except],
    );
    return toEntities(this.ds, ActionEntity, rows);
  }

  /**
   * The latest detach of the policy from the cluster that has not failed or been cancelled (on
   * its way, or done), or null.
   */
  async lastDetach(clusterId: string, policyId: string): Promise<ActionEntity | null> {
    const { rows } = await sql(
      this.ds,
      `SELECT * FROM action WHERE target = $1 AND action = 'CLUSTER_DETACH_POLICY' AND inputs->>'policy_id' = $2
         AND status NOT IN ('FAILED', 'CANCELLED') ORDER BY created_at DESC LIMIT 1`,
      [clusterId, policyId],
    );
    return toEntities(this.ds, ActionEntity, rows)[0] ?? null;
  }

  /** The nodes of the cluster that a NODE_RECOVER not yet ended is for (the repairs under way, whoever asked). */
  async recoveringNodes(clusterId: string): Promise<string[]> {
    const { rows } = await sql<{ target: string }>(
      this.ds,
      `SELECT DISTINCT target FROM action WHERE cluster_id = $1 AND action = 'NODE_RECOVER' AND status = ANY($2::text[])`,
      [clusterId, ACTIVE],
    );
    return rows.map((r) => r.target);
  }

  /**
   * Marks a READY action RUNNING for `engineId`. Exactly one of several engines that try wins;
   * the others get null, so a message delivered twice runs once.
   */
  async claim(id: string, engineId: string): Promise<ActionEntity | null> {
    const { rows } = await sql(
      this.ds,
      `UPDATE action SET status = 'RUNNING', owner = $2, epoch = epoch + 1, start_time = COALESCE(start_time, now()),
         updated_at = now()
       WHERE id = $1 AND status = 'READY' RETURNING *`,
      [id, engineId],
    );
    return toEntities(this.ds, ActionEntity, rows)[0] ?? null;
  }

  /**
   * Ends an action this engine runs, in one statement: its status, its locks released, its
   * dependency rows deleted. Returns whether it was still ours to end (force-cancelled or taken
   * over otherwise, and then nothing changes) and the parents that waited on it, to wake after commit.
   */
  async end(claim: Claim, end: ActionEnd, em: EntityManager): Promise<{ ended: boolean; parents: string[] }> {
    const { rows } = await sql<{ ended: number; parents: string[] }>(
      em,
      `WITH ended AS (
         UPDATE action SET status = $3, status_reason = $4, outputs = COALESCE($5::jsonb, outputs),
           data = data || COALESCE($6::jsonb, '{}'::jsonb), owner = NULL, end_time = now(), updated_at = now(), awaiting = '{}'
         WHERE id = $1 AND status = 'RUNNING' AND owner = $2 AND epoch = $7 RETURNING id),
       ${releaseLocksCte('$1', 'EXISTS (SELECT 1 FROM ended)')},
       released_children AS (DELETE FROM dependency WHERE depended = $1 AND EXISTS (SELECT 1 FROM ended) RETURNING dependent)
       SELECT (SELECT count(*) FROM ended)::int AS ended,
              COALESCE((SELECT json_agg(dependent) FROM released_children), '[]') AS parents`,
      [claim.actionId, claim.engineId, end.status, end.reason, json(end.outputs), json(end.data), claim.epoch],
    );
    return { ended: rows[0].ended === 1, parents: rows[0].parents };
  }

  /**
   * Puts an action this engine runs back to READY (a busy lock, a passing database error) and
   * releases its locks in the same statement, only while the claim holds: the locks of a run that
   * another engine took over (same action id, later epoch) are never released by the old one.
   */
  async requeue(claim: Claim, reason: string, em: EntityManager = this.ds.manager): Promise<boolean> {
    const { rows } = await sql<{ requeued: number }>(
      em,
      `WITH requeued AS (
         UPDATE action SET status = 'READY', owner = NULL, retries = retries + 1, status_reason = $3, updated_at = now()
         WHERE id = $1 AND status = 'RUNNING' AND owner = $2 AND epoch = $4 RETURNING id),
       ${releaseLocksCte('$1', 'EXISTS (SELECT 1 FROM requeued)')}
       SELECT (SELECT count(*) FROM requeued)::int AS requeued`,
      [claim.actionId, claim.engineId, reason, claim.epoch],
    );
    return rows[0].requeued === 1;
  }

  /** The action ids of those claims that still hold. */
  async heldClaims(claims: readonly Claim[]): Promise<string[]> {
    if (!claims.length) return [];
    const { rows } = await sql<{ id: string }>(
      this.ds,
      `SELECT a.id FROM action a
       JOIN unnest($1::uuid[], $2::uuid[], $3::int[]) AS c(id, owner, epoch)
         ON a.id = c.id AND a.owner = c.owner AND a.epoch = c.epoch
       WHERE a.status = 'RUNNING'`,
      [claims.map((c) => c.actionId), claims.map((c) => c.engineId), claims.map((c) => c.epoch)],
    );
    return rows.map((r) => r.id);
  }

  /** Throws ClaimLost unless the claim still holds; run first in a transaction, it fences the rest (heldRow). */
  async assertHeld(claim: Claim, em: EntityManager): Promise<void> {
    const { rows } = await sql(em, heldRow('$1', '$2', '$3'), [claim.actionId, claim.engineId, claim.epoch]);
    if (!rows.length) throw new ClaimLost(claim);
  }

  /**
   * Parks an action this engine runs until the children of `step` end. It leaves the engine
   * (owner cleared), so a parent never holds an execution slot while it waits.
   */
  async park(claim: Claim, step: string, awaiting: readonly string[], em: EntityManager): Promise<boolean> {
    const { count } = await sql(
      em,
      `UPDATE action SET status = 'WAITING', owner = NULL, step = $3, awaiting = $4::uuid[], updated_at = now()
       WHERE id = $1 AND status = 'RUNNING' AND owner = $2 AND epoch = $5`,
      [claim.actionId, claim.engineId, step, awaiting, claim.epoch],
    );
    return count === 1;
  }

  /**
   * Lets a victim held for a lifecycle hook go on (`complete_lifecycle`): READY if it was still
   * held, else nothing. Returns whether it was released here.
   */
  async completeLifecycle(id: string): Promise<boolean> {
    const { count } = await sql(
      this.ds,
      `UPDATE action SET status = 'READY', status_reason = 'Lifecycle complete.', owner = NULL, updated_at = now()
       WHERE id = $1 AND status = 'WAITING_LIFECYCLE_COMPLETION'`,
      [id],
    );
    return count === 1;
  }

  /** Releases the victims whose lifecycle hook timed out (READY); returns their ids, to announce. */
  async releaseExpiredHolds(): Promise<string[]> {
    const { rows } = await sql<{ id: string }>(
      this.ds,
      `UPDATE action SET status = 'READY', status_reason = 'Lifecycle hook timed out.', updated_at = now()
       WHERE status = 'WAITING_LIFECYCLE_COMPLETION' AND (data->'lifecycle'->>'deadline')::timestamptz <= now()
       RETURNING id`,
    );
    return rows.map((r) => r.id);
  }

  /** Merges keys into an action's `data` (what users see in `action show`). */
  async mergeData(id: string, data: Record<string, unknown>, em: EntityManager = this.ds.manager): Promise<void> {
    await sql(em, `UPDATE action SET data = data || $2::jsonb, updated_at = now() WHERE id = $1`, [
      id,
      JSON.stringify(data),
    ]);
  }

  /** Deletes the dependency rows of a child that ended and returns the parents that waited on it. */
  async releaseChild(childId: string, em: EntityManager = this.ds.manager): Promise<string[]> {
    const { rows } = await sql<{ dependent: string }>(
      em,
      'DELETE FROM dependency WHERE depended = $1 RETURNING dependent',
      [childId],
    );
    return rows.map((r) => r.dependent);
  }

  /**
   * Puts WAITING parents that no longer depend on anything back to READY and returns them. Call
   * it after the transaction that released their last child has committed: whichever child ends
   * last then sees no dependency left, and the status condition lets only one caller flip a parent.
   */
  async wake(parentIds: readonly string[]): Promise<string[]> {
    if (!parentIds.length) return [];
    const { rows } = await sql<{ id: string }>(
      this.ds,
      `UPDATE action a SET status = 'READY', updated_at = now()
       WHERE a.id = ANY($1::uuid[]) AND a.status = 'WAITING'
         AND NOT EXISTS (SELECT 1 FROM dependency d WHERE d.dependent = a.id)
       RETURNING a.id`,
      [parentIds],
    );
    return rows.map((r) => r.id);
  }

  /** WAITING actions whose deadline has passed: they wake to end themselves with a timeout. */
  async wakeOverdue(): Promise<string[]> {
    const { rows } = await sql<{ id: string }>(
      this.ds,
      `UPDATE action SET status = 'READY', updated_at = now()
       WHERE status = 'WAITING' AND start_time + make_interval(secs => timeout) < now()
       RETURNING id`,
    );
    return rows.map((r) => r.id);
  }

  /** WAITING actions with nothing left to wait for (their last child's wake-up was lost). */
  async wakeStranded(): Promise<string[]> {
    const { rows } = await sql<{ id: string }>(
      this.ds,
      `UPDATE action a SET status = 'READY', updated_at = now()
       WHERE a.status = 'WAITING' AND a.updated_at < now() - interval '2 seconds'
         AND NOT EXISTS (SELECT 1 FROM dependency d WHERE d.dependent = a.id)
       RETURNING a.id`,
    );
    return rows.map((r) => r.id);
  }

  /** READY actions nobody has touched for `olderThanS` seconds: their announcement may be lost. */
  async staleReady(olderThanS: number, limit: number): Promise<string[]> {
    const { rows } = await sql<{ id: string }>(
      this.ds,
      `SELECT id FROM action WHERE status = 'READY' AND updated_at < now() - make_interval(secs => $1)
       ORDER BY updated_at LIMIT $2`,
      [olderThanS, limit],
    );
    return rows.map((r) => r.id);
  }

  /** How many actions wait to be claimed (the truth behind the broker's queue depth). */
  async countReady(): Promise<number> {
    const { rows } = await sql<{ n: number }>(this.ds, `SELECT count(*)::int AS n FROM action WHERE status = 'READY'`);
    return rows[0].n;
  }

  /** Marks a READY action as announced again, so the next scan does not pick it at once. */
  async touch(ids: readonly string[]): Promise<void> {
    if (ids.length) {
      await sql(this.ds, `UPDATE action SET updated_at = now() WHERE id = ANY($1::uuid[]) AND status = 'READY'`, [ids]);
    }
  }

  /** Id, name, target, status and reason of the given actions: how a parent reads its children's outcomes. */
  async outcomes(ids: readonly string[]): Promise<ActionEntity[]> {
    // In the order they were spawned, so outputs list nodes in the order the action chose them.
    const at = new Map(ids.map((id, i) => [id, i]));
    return (await this.getByIds(ids)).sort((a, b) => at.get(a.id)! - at.get(b.id)!);
  }

  /** For views: the children each action still waits for, and the parents waiting for it. */
  async dependencies(
    ids: readonly string[],
  ): Promise<{ dependsOn: Map<string, string[]>; dependedBy: Map<string, string[]> }> {
    const dependsOn = new Map<string, string[]>(ids.map((id) => [id, []]));
    const dependedBy = new Map<string, string[]>(ids.map((id) => [id, []]));
    if (ids.length) {
      const { rows } = await sql<{ depended: string; dependent: string }>(
        this.ds,
        `SELECT depended, dependent FROM dependency WHERE depended = ANY($1::uuid[]) OR dependent = ANY($1::uuid[])`,
        [ids],
      );
      for (const r of rows) {
        dependsOn.get(r.dependent)?.push(r.depended);
        dependedBy.get(r.depended)?.push(r.dependent);
      }
    }
    return { dependsOn, dependedBy };
  }

  /** The action and every descendant it still waits on, however deep. */
  async tree(rootId: string, em: EntityManager = this.ds.manager): Promise<string[]> {
    const { rows } = await sql<{ id: string }>(
      em,
      `WITH RECURSIVE t(id) AS (SELECT $1::uuid UNION SELECT d.depended FROM dependency d JOIN t ON d.dependent = t.id)
       SELECT id FROM t`,
      [rootId],
    );
    return rows.map((r) => r.id);
  }

  /** Those of `ids` whose cancel has been asked for (control CANCEL). */
  async cancelRequested(ids: readonly string[]): Promise<string[]> {
    const { rows } = await sql<{ id: string }>(
      this.ds,
      `SELECT id FROM action WHERE id = ANY($1::uuid[]) AND control = 'CANCEL'`,
      [ids],
    );
    return rows.map((r) => r.id);
  }

  /** Asks unfinished actions to stop: READY ones end CANCELLED when claimed, running ones at their next step. */
  async signalCancel(ids: readonly string[], em: EntityManager = this.ds.manager): Promise<string[]> {
    const { rows } = await sql<{ id: string }>(
      em,
      `UPDATE action SET control = 'CANCEL', updated_at = now()
       WHERE id = ANY($1::uuid[]) AND status = ANY($2::text[]) RETURNING id`,
      [ids, [...ACTIVE, 'INIT', 'SUSPENDED']],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Ends unfinished actions (or those of the given statuses) as CANCELLED at once, whoever runs
   * them (force cancel). Their dependency rows go, so their parents can wake; returns the parents to wake.
   */
  async forceCancel(
    ids: readonly string[],
    reason: string,
    em: EntityManager,
    statuses: readonly string[] = [...ACTIVE, 'INIT', 'SUSPENDED'],
  ): Promise<{ cancelled: string[]; parents: string[] }> {
    const { rows } = await sql<{ id: string }>(
      em,
      `UPDATE action SET status = 'CANCELLED', control = 'CANCEL', owner = NULL, end_time = now(), updated_at = now(),
         status_reason = $3, awaiting = '{}'
       WHERE id = ANY($1::uuid[]) AND status = ANY($2::text[]) RETURNING id`,
      [ids, statuses, reason],
    );
    const cancelled = rows.map((r) => r.id);
    const { rows: deps } = await sql<{ dependent: string }>(
      em,
      'DELETE FROM dependency WHERE depended = ANY($1::uuid[]) RETURNING dependent',
      [cancelled],
    );
    return { cancelled, parents: [...new Set(deps.map((d) => d.dependent))] };
  }

  /**
   * RUNNING actions whose engine is no longer registered (or never was) as a live service, as seen
   * by `engineId`: none unless that engine itself has heartbeaten without a gap for the whole
   * dead-after window (after a database outage every row looks stale, its own included, and
   * nobody may judge the others until it has been alive again for that long).
   */
  async runningWithoutLiveOwner(engineId: string, deadAfterS: number): Promise<ActionEntity[]> {
    const { rows } = await sql(
      this.ds,
      `SELECT a.* FROM action a
       WHERE a.status = 'RUNNING' AND a.owner IS DISTINCT FROM $2
         AND EXISTS (SELECT 1 FROM service me WHERE me.id = $2
                       AND me.fresh_since <= now() - make_interval(secs => $1)
                       AND me.updated_at > now() - make_interval(secs => $1))
         AND NOT EXISTS (SELECT 1 FROM service s WHERE s.id = a.owner AND s.updated_at > now() - make_interval(secs => $1))`,
      [deadAfterS, engineId],
    );
    return toEntities(this.ds, ActionEntity, rows);
  }

  /** RUNNING actions this engine owns that nobody touched for `idleS` seconds. */
  async runningOwnedBy(engineId: string, idleS: number): Promise<ActionEntity[]> {
    const { rows } = await sql(
      this.ds,
      `SELECT * FROM action WHERE status = 'RUNNING' AND owner = $1 AND updated_at < now() - make_interval(secs => $2)`,
      [engineId, idleS],
    );
    return toEntities(this.ds, ActionEntity, rows);
  }

  /**
   * Takes over a RUNNING action of a dead engine: back to READY if `requeue`, else FAILED. The
   * condition on the old owner means only one of several recovering engines does it.
   */
  async takeOver(a: ActionEntity, requeue: boolean, reason: string, em: EntityManager): Promise<boolean> {
    // The epoch goes up, so whatever the old owner still tries to write as this claim lands nowhere.
    const { count } = await sql(
      em,
      requeue
        ? `UPDATE action SET status = 'READY', owner = NULL, epoch = epoch + 1, retries = retries + 1, status_reason = $3,
             updated_at = now()
           WHERE id = $1 AND status = 'RUNNING' AND owner IS NOT DISTINCT FROM $2 AND epoch = $4`
        : `UPDATE action SET status = 'FAILED', owner = NULL, epoch = epoch + 1, end_time = now(), status_reason = $3,
             updated_at = now(), awaiting = '{}'
           WHERE id = $1 AND status = 'RUNNING' AND owner IS NOT DISTINCT FROM $2 AND epoch = $4`,
      [a.id, a.owner, reason, a.epoch],
    );
    return count === 1;
  }

  /**
   * Deletes finished checks of a cluster (`check` with delete_check_action): its CLUSTER_CHECK
   * actions and the NODE_CHECK actions of its nodes. Unfinished ones are never touched, so a
   * running check and its children survive whoever calls this.
   */
  async purgeFinishedChecks(clusterId: string, em: EntityManager = this.ds.manager): Promise<void> {
    await sql(
      em,
      `DELETE FROM action WHERE status IN ('SUCCEEDED', 'FAILED', 'CANCELLED')
         AND ((target = $1 AND action = 'CLUSTER_CHECK') OR (cluster_id = $1 AND action = 'NODE_CHECK'))`,
      [clusterId],
    );
  }

  /**
   * Ends, without running them, WAITING children among `ids` that were to run after a sibling
   * that did not succeed (ChildSpec.after), with that sibling's status; returns those ended.
   * Parents parked on a step are never matched. Only one caller can end a given row: the first
   * whose statement finds it still WAITING.
   */
  async endSkipped(
    ids: readonly string[],
    status: 'FAILED' | 'CANCELLED',
    reason: string,
    em: EntityManager = this.ds.manager,
  ): Promise<string[]> {
    if (!ids.length) return [];
    const { rows } = await sql<{ id: string }>(
      em,
      `UPDATE action SET status = $2, status_reason = $3, owner = NULL, end_time = now(), updated_at = now(), awaiting = '{}'
       WHERE id = ANY($1::uuid[]) AND status = 'WAITING' AND step IS NULL RETURNING id`,
      [ids, status, reason],
    );
    return rows.map((r) => r.id);
  }
}

const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));
