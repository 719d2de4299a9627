import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { NodeStatus, Scope } from '@grove/core';
import { findByIdentity, listPage, type ListQuery, type Listable } from '../list-query';
import { EventEntity } from '../event/event.entity';
import {
  addDependent,
  insertRows,
  insertStatement,
  removeDependent,
  rowById,
  rowsByIds,
  sql,
  toEntities,
  updateRow,
} from '../rows';
import { exactlyOne } from '../scope-sql';
import { NodeEntity } from './node.entity';
import { ClaimLost, heldRow, type Claim } from '../action/action.repository';

/** Postgres's not_null_violation: how a guarded insert (insertStatement onlyIf) says the guard was false. */
const NOT_NULL_VIOLATION = '23502';

export const NODE_LIST: Listable = {
  table: 'node',
  sortable: ['index', 'name', 'status', 'init_at', 'created_at', 'updated_at'],
  filterable: { cluster_id: 'uuid', name: 'text', status: 'text' },
  defaultSort: 'init_at',
};

export type NodePatch = Partial<
  Pick<
    NodeEntity,
    | 'name'
    | 'physicalId'
    | 'clusterId'
    | 'profileId'
    | 'index'
    | 'role'
    | 'status'
    | 'statusReason'
    | 'metadata'
    | 'data'
    | 'dependents'
    | 'tainted'
    | 'protected'
    | 'createdAt'
  >
>;

/** Rows per INSERT: under Postgres's 65,535 parameter limit with room to spare. */
const INSERT_CHUNK = 500;

@Injectable()
export class NodeRepository {
  constructor(private readonly ds: DataSource) {}

  async get(scope: Scope, identity: string): Promise<NodeEntity> {
    return exactlyOne(await this.match(scope, identity), 'node', identity);
  }

  async find(scope: Scope, identity: string): Promise<NodeEntity | null> {
    const rows = await this.match(scope, identity);
    return rows.length ? exactlyOne(rows, 'node', identity) : null;
  }

  private match(scope: Scope, identity: string): Promise<NodeEntity[]> {
    return findByIdentity(this.ds, NodeEntity, 'node', scope, identity, { byName: true });
  }

  async getById(id: string, em?: EntityManager): Promise<NodeEntity | null> {
    return rowById(this.ds, NodeEntity, id, em === this.ds.manager ? undefined : em);
  }

  async getByIds(ids: readonly string[], em: EntityManager = this.ds.manager): Promise<NodeEntity[]> {
    return rowsByIds(this.ds, NodeEntity, ids, em === this.ds.manager ? undefined : em);
  }

  /** Locks the node row for the rest of the transaction: requests that act on a node queue here. */
  async lockRow(em: EntityManager, id: string): Promise<NodeEntity | null> {
    const { rows } = await sql(em, 'SELECT * FROM node WHERE id = $1 FOR UPDATE', [id]);
    return toEntities(this.ds, NodeEntity, rows)[0] ?? null;
  }

  list(scope: Scope, q: ListQuery): Promise<NodeEntity[]> {
    return listPage(this.ds, NodeEntity, NODE_LIST, scope, q);
  }

  /** Members of a cluster in index order. */
  async members(clusterId: string, em: EntityManager = this.ds.manager): Promise<NodeEntity[]> {
    const { rows } = await sql(em, `SELECT * FROM node WHERE cluster_id = $1 ORDER BY index, id`, [clusterId]);
    return toEntities(this.ds, NodeEntity, rows);
  }

  async countMembers(
    clusterId: string,
    em: EntityManager = this.ds.manager,
  ): Promise<{ total: number; active: number }> {
    const { rows } = await sql<{ total: string; active: string }>(
      em,
      `SELECT count(*) AS total, count(*) FILTER (WHERE status = 'ACTIVE') AS active FROM node WHERE cluster_id = $1`,
      [clusterId],
    );
    return { total: Number(rows[0].total), active: Number(rows[0].active) };
  }

  async nameTaken(project: string, name: string, em: EntityManager = this.ds.manager): Promise<boolean> {
    return em.existsBy(NodeEntity, { project, name });
  }

  /**
   * The node that already stands for a cloud resource: the one with that physical id, or the one
   * the resource is tagged with while that node's create has not recorded a physical id yet. Null
   * when there is none. Two adoptions of one resource queue on a transaction-scoped advisory lock
   * keyed by the physical id, taken here: the second one sees the first one's node once that
   * commits, so at most one of them records a node.
   */
  async claimResource(
    em: EntityManager,
    physicalId: string,
    taggedNode: string | null,
  ): Promise<Pick<NodeEntity, 'id' | 'project'> | null> {
    await sql(em, `SELECT pg_advisory_xact_lock(hashtextextended('node.physical_id:' || $1, 0))`, [physicalId]);
    const { rows } = await sql<Pick<NodeEntity, 'id' | 'project'>>(
      em,
      `SELECT id, project FROM node
        WHERE physical_id = $1 OR (id::text = $2 AND physical_id IS NULL)
        ORDER BY id LIMIT 1`,
      [physicalId, taggedNode ?? ''],
    );
    return rows[0] ?? null;
  }

  async insertMany(nodes: readonly NodeEntity[], em: EntityManager = this.ds.manager): Promise<void> {
    await insertRows(em, this.ds, NodeEntity, nodes, INSERT_CHUNK);
  }

  async update(id: string, patch: NodePatch, em: EntityManager = this.ds.manager): Promise<void> {
    await updateRow(em, this.ds, NodeEntity, id, { ...patch, updatedAt: new Date() });
  }

  /**
   * Writes the resource a create just made onto the node, only while `action` is still RUNNING
   * under `engineId`: an engine whose action was taken over must not overwrite what the new owner
   * recorded. False when the action is no longer this engine's.
   */
  async recordResource(id: string, physicalId: string, data: Record<string, unknown>, claim: Claim): Promise<boolean> {
    const { rows } = await sql<{ id: string }>(
      this.ds,
      `WITH held AS (${heldRow('$4', '$5', '$6')})
       UPDATE node SET physical_id = $2, data = $3, updated_at = now()
       WHERE id = $1 AND EXISTS (SELECT 1 FROM held) RETURNING id`,
      [id, physicalId, data, claim.actionId, claim.engineId, claim.epoch],
    );
    return rows.length === 1;
  }

  /**
   * A node's intermediate status with its events, in one statement, written only while `claim`
   * holds (heldRow); throws ClaimLost otherwise, with nothing written.
   */
  async markStatus(
    id: string,
    status: NodeStatus,
    reason: string,
    events: readonly EventEntity[],
    claim: Claim,
  ): Promise<void> {
    const params: unknown[] = [id, status, reason, claim.actionId, claim.engineId, claim.epoch];
    const insert = insertStatement(this.ds, EventEntity, events, params, { onlyIf: 'EXISTS (SELECT 1 FROM held)' });
    const held = `WITH held AS (${heldRow('$4', '$5', '$6')}),
       marked AS (UPDATE node SET status = $2, status_reason = $3, updated_at = now()
                  WHERE id = $1 AND EXISTS (SELECT 1 FROM held) RETURNING id)`;
    try {
      const [row] = (await this.ds.query(
        events.length
          ? `${held} ${insert} RETURNING (SELECT count(*) FROM marked)::int AS marked`
          : `${held} SELECT (SELECT count(*) FROM held)::int AS marked`,
        params,
      )) as { marked: number }[];
      if (!events.length && row.marked === 0) throw new ClaimLost(claim);
    } catch (e) {
      if ((e as { code?: string }).code === NOT_NULL_VIOLATION) throw new ClaimLost(claim);
      throw e;
    }
  }

  async setStatus(id: string, status: NodeStatus, reason: string, em: EntityManager = this.ds.manager): Promise<void> {
    await this.update(id, { status, statusReason: reason }, em);
  }

  /** Lists `dependent` (a node) in `dependents.nodes` of each host, so the hosts cannot be deleted first. */
  addDependent(hostIds: readonly string[], dependent: string, em: EntityManager = this.ds.manager): Promise<void> {
    return addDependent(em, 'node', hostIds, 'nodes', dependent);
  }

  /** Takes `dependent` (a node) out of every host's `dependents.nodes`; returns those hosts. */
  removeDependent(dependent: string, em: EntityManager = this.ds.manager): Promise<string[]> {
    return removeDependent(em, 'node', 'nodes', dependent);
  }

  async delete(id: string, em: EntityManager = this.ds.manager): Promise<void> {
    await em.delete(NodeEntity, { id });
  }
}
