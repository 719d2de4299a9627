import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ResourceInUse, type Scope } from '@grove/core';
import { findByIdentity, listPage, type ListQuery, type Listable } from '../list-query';
import { insertRows, rowById, sql, updateRow } from '../rows';
import { exactlyOne } from '../scope-sql';
import { PolicyEntity } from './policy.entity';

export const POLICY_LIST: Listable = {
  table: 'policy',
  sortable: ['type', 'name', 'created_at', 'updated_at'],
  filterable: { name: 'text', type: 'text' },
  defaultSort: 'created_at',
};

@Injectable()
export class PolicyRepository {
  constructor(private readonly ds: DataSource) {}

  /** The policy a path identity names in the scope; 404 when none, 400 when several. */
  async get(scope: Scope, identity: string): Promise<PolicyEntity> {
    return exactlyOne(await this.match(scope, identity), 'policy', identity);
  }

  /** Like get, but null when nothing matches (a policy named inside a request body). */
  async find(scope: Scope, identity: string): Promise<PolicyEntity | null> {
    const rows = await this.match(scope, identity);
    return rows.length ? exactlyOne(rows, 'policy', identity) : null;
  }

  private match(scope: Scope, identity: string): Promise<PolicyEntity[]> {
    return findByIdentity(this.ds, PolicyEntity, 'policy', scope, identity, { byName: true });
  }

  async getById(id: string): Promise<PolicyEntity | null> {
    return rowById(this.ds, PolicyEntity, id);
  }

  list(scope: Scope, q: ListQuery): Promise<PolicyEntity[]> {
    return listPage(this.ds, PolicyEntity, POLICY_LIST, scope, q);
  }

  async nameTaken(project: string, name: string, em: EntityManager = this.ds.manager): Promise<boolean> {
    return em.existsBy(PolicyEntity, { project, name });
  }

  async insert(p: PolicyEntity, em: EntityManager = this.ds.manager): Promise<PolicyEntity> {
    await insertRows(em, this.ds, PolicyEntity, [p]);
    return p;
  }

  async rename(id: string, name: string, em: EntityManager = this.ds.manager): Promise<void> {
    await updateRow(em, this.ds, PolicyEntity, id, { name, updatedAt: new Date() });
  }

  /**
   * Deletes a policy no cluster has attached. The check and the delete are one statement, and the
   * binding's foreign key catches an attach that commits meanwhile: either way, ResourceInUse.
   */
  async delete(p: PolicyEntity): Promise<void> {
    const inUse = () => new ResourceInUse('policy', p.id, 'still attached to some clusters');
    try {
      const { count } = await sql(
        this.ds,
        `DELETE FROM policy p WHERE p.id = $1
           AND NOT EXISTS (SELECT 1 FROM cluster_policy b WHERE b.policy_id = p.id) RETURNING p.id`,
        [p.id],
      );
      if (count === 0) throw inUse();
    } catch (e) {
      if ((e as { code?: string }).code === '23503') throw inUse();
      throw e;
    }
  }
}
