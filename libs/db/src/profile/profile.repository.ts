import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { ResourceInUse, type Scope } from '@grove/core';
import { findByIdentity, listPage, type ListQuery, type Listable } from '../list-query';
import { addDependent, insertRows, removeDependent, rowById, sql, updateRow } from '../rows';
import { exactlyOne } from '../scope-sql';
import { ProfileEntity } from './profile.entity';

export const PROFILE_LIST: Listable = {
  table: 'profile',
  sortable: ['type', 'name', 'created_at', 'updated_at'],
  filterable: { name: 'text', type: 'text' },
  defaultSort: 'created_at',
};

@Injectable()
export class ProfileRepository {
  constructor(private readonly ds: DataSource) {}

  /** The profile a path identity names in the scope; 404 when none, 400 when several. */
  async get(scope: Scope, identity: string): Promise<ProfileEntity> {
    return exactlyOne(await this.match(scope, identity), 'profile', identity);
  }

  /** Like get, but null when nothing matches (for profiles referenced inside a request body). */
  async find(scope: Scope, identity: string): Promise<ProfileEntity | null> {
    const rows = await this.match(scope, identity);
    return rows.length ? exactlyOne(rows, 'profile', identity) : null;
  }

  private match(scope: Scope, identity: string): Promise<ProfileEntity[]> {
    return findByIdentity(this.ds, ProfileEntity, 'profile', scope, identity, { byName: true });
  }

  async getById(id: string): Promise<ProfileEntity | null> {
    return rowById(this.ds, ProfileEntity, id);
  }

  /** Names of the given profiles, for the `profile_name` of cluster and node views. */
  async namesByIds(ids: readonly string[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids)];
    if (!unique.length) return new Map();
    const rows = await this.ds.manager.find(ProfileEntity, {
      select: { id: true, name: true },
      where: { id: In(unique) },
    });
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  list(scope: Scope, q: ListQuery): Promise<ProfileEntity[]> {
    return listPage(this.ds, ProfileEntity, PROFILE_LIST, scope, q);
  }

  async nameTaken(project: string, name: string, em: EntityManager = this.ds.manager): Promise<boolean> {
    return em.existsBy(ProfileEntity, { project, name });
  }

  /**
   * Stores a profile; `hosts` are the nodes and clusters it builds on (a container's Docker host),
   * which list it in `dependents.profiles` from the same transaction on.
   */
  async insert(
    p: ProfileEntity,
    hosts: { nodes: string[]; clusters: string[] } = { nodes: [], clusters: [] },
    em?: EntityManager,
  ): Promise<ProfileEntity> {
    const write = async (tx: EntityManager) => {
      await insertRows(tx, this.ds, ProfileEntity, [p]);
      await addDependent(tx, 'node', hosts.nodes, 'profiles', p.id);
      await addDependent(tx, 'cluster', hosts.clusters, 'profiles', p.id);
    };
    // Within the caller's transaction when given one (node adopt stores its profile and node together).
    if (em) await write(em);
    else await this.ds.transaction(write);
    return p;
  }

  async update(
    id: string,
    patch: Partial<Pick<ProfileEntity, 'name' | 'metadata'>>,
    em: EntityManager = this.ds.manager,
  ): Promise<void> {
    await updateRow(em, this.ds, ProfileEntity, id, { ...patch, updatedAt: new Date() });
  }

  /**
   * Deletes a profile no cluster or node uses. The check and the delete are one statement, and the
   * foreign keys catch a cluster or node created meanwhile: either way the answer is ResourceInUse.
   */
  async delete(p: ProfileEntity): Promise<void> {
    const inUse = () => new ResourceInUse('profile', p.id, 'still referenced by some clusters and/or nodes');
    try {
      await this.ds.transaction(async (em) => {
        const { count } = await sql(
          em,
          `DELETE FROM profile p WHERE p.id = $1
             AND NOT EXISTS (SELECT 1 FROM cluster c WHERE c.profile_id = p.id)
             AND NOT EXISTS (SELECT 1 FROM node n WHERE n.profile_id = p.id)
           RETURNING p.id`,
          [p.id],
        );
        if (count === 0) throw inUse();
        // The nodes and clusters it built on no longer have it depending on them.
        await removeDependent(em, 'node', 'profiles', p.id);
        await removeDependent(em, 'cluster', 'profiles', p.id);
      });
    } catch (e) {
      if ((e as { code?: string }).code === '23503') throw inUse();
      throw e;
    }
  }
}
