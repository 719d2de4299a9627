import { isUuid } from '@grove/core';
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { ApplyValueTransformers } from 'typeorm/util/ApplyValueTransformers';

/** Turns rows of a raw query (snake_case columns) into entities, using the entity's column metadata. */
export function toEntities<T extends ObjectLiteral>(
  ds: DataSource,
  target: EntityTarget<T>,
  rows: Record<string, unknown>[],
): T[] {
  const meta = ds.getMetadata(target);
  return rows.map((row) => {
    const e = meta.create() as Record<string, unknown>;
    for (const col of meta.columns) {
      if (!(col.databaseName in row)) continue;
      // As TypeORM's own reads do: a column's transformer (sealed secrets) applies to raw rows too.
      const raw = row[col.databaseName];
      e[col.propertyName] = col.transformer ? ApplyValueTransformers.transformFrom(col.transformer, raw) : raw;
    }
    return e as T;
  });
}

/**
 * An entity from a row that came as JSON (`to_jsonb(t)` in a select list, to read a related row in
 * the same statement): timestamps arrive as text and become Dates again.
 */
export function fromJsonRow<T extends ObjectLiteral>(
  ds: DataSource,
  target: EntityTarget<T>,
  json: Record<string, unknown>,
): T {
  const [e] = toEntities(ds, target, [json]) as Record<string, unknown>[];
  for (const col of ds.getMetadata(target).columns) {
    const v = e[col.propertyName];
    if ((col.type === 'timestamptz' || col.type === Date) && typeof v === 'string') e[col.propertyName] = new Date(v);
  }
  return e as T;
}

/**
 * Runs raw SQL and gives back rows and the affected count alike for every statement (TypeORM's
 * `query` answers `[rows, count]` for UPDATE and DELETE but bare rows otherwise).
 */
export async function sql<T = Record<string, unknown>>(
  db: { query(text: string, params?: unknown[]): Promise<unknown> },
  text: string,
  params: unknown[] = [],
): Promise<{ rows: T[]; count: number }> {
  const res = (await db.query(text, params)) as unknown;
  if (Array.isArray(res) && res.length === 2 && Array.isArray(res[0]) && typeof res[1] === 'number') {
    return { rows: res[0] as T[], count: res[1] };
  }
  const rows = (Array.isArray(res) ? res : []) as T[];
  return { rows, count: rows.length };
}

/**
 * A read as a named prepared statement on the pool under TypeORM: Postgres plans it once per
 * connection instead of on every call, and TypeORM's per-query machinery is skipped. For the hot
 * reads that every client's polling loop makes (a path identity's row); everything else goes
 * through TypeORM as usual.
 */
export async function preparedRows(
  ds: DataSource,
  text: string,
  params: unknown[],
): Promise<Record<string, unknown>[]> {
  const pool = (ds.driver as unknown as { master: Pool }).master;
  const name = `g${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
  return (await pool.query({ name, text, values: params })).rows as Record<string, unknown>[];
}

/** Something that runs SQL: the DataSource, or a transaction's EntityManager. */
export interface Queryable {
  query(text: string, params?: unknown[]): Promise<unknown>;
}

/**
 * A value as Postgres takes it: through the column's transformer (sealed secrets) as TypeORM's own
 * writes do, then jsonb columns as JSON text, everything else as pg converts it.
 */
function columnValue(c: ColumnMetadata, given: unknown): unknown {
  if (given === undefined) return null;
  const value = c.transformer ? ApplyValueTransformers.transformTo(c.transformer, given) : given;
  return c.type === 'jsonb' && value !== null ? JSON.stringify(value) : value;
}

/**
 * The `INSERT INTO table (columns) VALUES …` of entity rows, appending their values to `params`.
 * An unset field takes the column's default (created_at = now(), …). With `onlyIf` (an SQL
 * condition), each primary key is written as `(SELECT $n WHERE onlyIf)`: when the condition is
 * false the key is NULL and the whole statement fails with a not-null violation (23502), so a
 * statement that also writes other rows writes nothing (VALUES cannot take a WHERE, and INSERT …
 * SELECT would lose the column defaults).
 */
export function insertStatement<T extends ObjectLiteral>(
  ds: DataSource,
  target: EntityTarget<T>,
  rows: readonly T[],
  params: unknown[],
  o: { onlyIf?: string } = {},
): string {
  const meta = ds.getMetadata(target);
  const names = meta.columns.map((c) => `"${c.databaseName}"`).join(', ');
  const tuples = rows.map((row) => {
    const slots = meta.columns.map((c) => {
      const v = (row as Record<string, unknown>)[c.propertyName];
      if (v === undefined) return 'DEFAULT';
      params.push(columnValue(c, v));
      const slot = `$${params.length}`;
      return o.onlyIf && c.isPrimary ? `(SELECT ${slot}::${ds.driver.normalizeType(c)} WHERE ${o.onlyIf})` : slot;
    });
    return `(${slots.join(', ')})`;
  });
  return `INSERT INTO "${meta.tableName}" (${names}) VALUES ${tuples.join(', ')}`;
}

/**
 * Inserts whole entity rows with one plain INSERT per chunk. TypeORM's insert builder spends more
 * CPU than the round trip itself, and the engine writes thousands of rows for a big cluster.
 */
export async function insertRows<T extends ObjectLiteral>(
  db: Queryable,
  ds: DataSource,
  target: EntityTarget<T>,
  rows: readonly T[],
  chunk = 500,
): Promise<void> {
  for (let i = 0; i < rows.length; i += chunk) {
    const params: unknown[] = [];
    await db.query(insertStatement(ds, target, rows.slice(i, i + chunk), params), params);
  }
}

/** Updates the given fields of one row by id with a plain UPDATE; returns how many rows changed. */
export async function updateRow<T extends ObjectLiteral>(
  db: Queryable,
  ds: DataSource,
  target: EntityTarget<T>,
  id: string,
  patch: Partial<T>,
): Promise<number> {
  const meta = ds.getMetadata(target);
  const params: unknown[] = [id];
  const sets: string[] = [];
  for (const c of meta.columns) {
    if (!(c.propertyName in patch)) continue;
    params.push(columnValue(c, (patch as Record<string, unknown>)[c.propertyName]));
    sets.push(`"${c.databaseName}" = $${params.length}`);
  }
  if (!sets.length) return 0;
  const { count } = await sql(db, `UPDATE "${meta.tableName}" SET ${sets.join(', ')} WHERE id = $1`, params);
  return count;
}

/** One row by id: a prepared statement on the pool, or a plain query inside a transaction. */
export async function rowById<T extends ObjectLiteral>(
  ds: DataSource,
  target: EntityTarget<T>,
  id: string,
  em?: Queryable,
): Promise<T | null> {
  if (!isUuid(id)) return null;
  const table = ds.getMetadata(target).tableName;
  const text = `SELECT * FROM "${table}" WHERE id = $1`;
  const rows = em ? ((await em.query(text, [id])) as Record<string, unknown>[]) : await preparedRows(ds, text, [id]);
  return toEntities(ds, target, rows)[0] ?? null;
}

/**
 * Rows by id with one plain query. TypeORM's `findBy(In(…))` costs several milliseconds of CPU per
 * call, and the engine reads children and members on every step of every action.
 */
export async function rowsByIds<T extends ObjectLiteral>(
  ds: DataSource,
  target: EntityTarget<T>,
  ids: readonly string[],
  em?: Queryable,
): Promise<T[]> {
  const wanted = ids.filter(isUuid);
  if (!wanted.length) return [];
  const table = ds.getMetadata(target).tableName;
  const { rows } = await sql(em ?? ds, `SELECT * FROM "${table}" WHERE id = ANY($1::uuid[])`, [wanted]);
  return toEntities(ds, target, rows);
}

/** What may depend on a node or cluster: container nodes hosted on it, container profiles naming it. */
export type DependentKind = 'nodes' | 'profiles';

/**
 * Adds `dependent` to `dependents.<kind>` of the given rows of `table` (node or cluster), once
 * (Senlin's add_dependents). A row that lists dependents cannot be deleted first.
 */
export async function addDependent(
  db: Queryable,
  table: 'node' | 'cluster',
  ids: readonly string[],
  kind: DependentKind,
  dependent: string,
): Promise<void> {
  if (!ids.length) return;
  await sql(
    db,
    `UPDATE "${table}" SET dependents = jsonb_set(dependents, '{${kind}}', COALESCE(dependents->'${kind}', '[]'::jsonb) || to_jsonb($2::text))
     WHERE id = ANY($1::uuid[]) AND NOT COALESCE(dependents->'${kind}', '[]'::jsonb) ? $2`,
    [ids, dependent],
  );
}

/** Takes `dependent` out of `dependents.<kind>` of every row of `table` listing it; returns those rows. */
export async function removeDependent(
  db: Queryable,
  table: 'node' | 'cluster',
  kind: DependentKind,
  dependent: string,
): Promise<string[]> {
  const { rows } = await sql<{ id: string }>(
    db,
    // jsonb_set gives NULL when nothing is left, and then the key goes.
    `UPDATE "${table}" SET dependents = COALESCE(
       jsonb_set(dependents, '{${kind}}', (SELECT jsonb_agg(e) FROM jsonb_array_elements(dependents->'${kind}') e WHERE e <> to_jsonb($1::text))),
       dependents - '${kind}')
     WHERE dependents->'${kind}' ? $1
     RETURNING id`,
    [dependent],
  );
  return rows.map((r) => r.id);
}
