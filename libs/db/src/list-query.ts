import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { isUuid, type Scope } from '@grove/core';
import { preparedRows, toEntities } from './rows';
import { identityConditions, scopeCondition } from './scope-sql';

export type SortDir = 'asc' | 'desc';

/** A list request after the api has checked it: columns are known, values well-formed. */
export interface ListQuery {
  limit?: number;
  /** Id of the last row of the previous page; an unknown marker restarts the list (Senlin). */
  marker?: string;
  /** Sort columns (snake_case) and directions; `id asc` is always added as a tie-break. */
  sort?: { column: string; dir: SortDir }[];
  /** Column → accepted values (several values mean IN). */
  filters?: Record<string, readonly (string | number | boolean)[]>;
}

export interface Listable {
  table: string;
  /** Columns a list may sort on. */
  sortable: readonly string[];
  /** Columns a list may filter on, with their SQL type. */
  filterable: Readonly<Record<string, 'text' | 'uuid' | 'int' | 'bool'>>;
  defaultSort: string;
}

/**
 * One page of a scoped list. Rows are numbered in sort order (asc puts nulls first, desc last, as
 * Senlin does) and the page starts after the marker's position, so ties and nulls page correctly.
 */
export async function listPage<T extends ObjectLiteral>(
  ds: DataSource,
  target: EntityTarget<T>,
  l: Listable,
  scope: Scope,
  q: ListQuery,
  extra?: { sql: string; params: unknown[] },
): Promise<T[]> {
  const params: unknown[] = [];
  const conds: string[] = [];
  const s = scopeCondition(scope, 't', params);
  if (s) conds.push(s);
  for (const [column, values] of Object.entries(q.filters ?? {})) {
    const type = l.filterable[column];
    if (!type) throw new Error(`'${column}' is not filterable on ${l.table}`);
    // A value that cannot be of the column's type matches nothing (rather than failing the query).
    const usable = values.map(String).filter((v) => type !== 'uuid' || isUuid(v));
    if (!usable.length) {
      conds.push('FALSE');
      continue;
    }
    params.push(usable);
    conds.push(`t.${column} = ANY($${params.length}::${type}[])`);
  }
  if (extra) {
    conds.push(extra.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + params.length}`));
    params.push(...extra.params);
  }
  const sort = q.sort?.length ? q.sort : [{ column: l.defaultSort, dir: 'asc' as SortDir }];
  const order = sort.map((o) => {
    if (!l.sortable.includes(o.column)) throw new Error(`'${o.column}' is not sortable on ${l.table}`);
    return `t.${o.column} ${o.dir === 'desc' ? 'DESC NULLS LAST' : 'ASC NULLS FIRST'}`;
  });
  order.push('t.id ASC');
  const where = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
  let after = '0';
  if (q.marker && isUuid(q.marker)) {
    params.push(q.marker);
    after = `COALESCE((SELECT rn FROM ranked WHERE id = $${params.length}::uuid), 0)`;
  }
  let limit = '';
  if (q.limit !== undefined) {
    params.push(q.limit);
    limit = `LIMIT $${params.length}`;
  }
  const rows = await ds.query(
    `WITH ranked AS (SELECT t.*, row_number() OVER (ORDER BY ${order.join(', ')}) AS rn FROM ${l.table} t ${where})
     SELECT * FROM ranked WHERE rn > ${after} ORDER BY rn ${limit}`,
    params,
  );
  return toEntities(ds, target, rows);
}

/** Rows matching a path identity within a scope, trying Senlin's rules in order until one matches. */
export async function findByIdentity<T extends ObjectLiteral>(
  ds: DataSource,
  target: EntityTarget<T>,
  table: string,
  scope: Scope,
  identity: string,
  opts: { byName: boolean },
): Promise<T[]> {
  return toEntities(ds, target, await findRowsByIdentity(ds, table, scope, identity, opts));
}

/**
 * Raw rows for a path identity; `extra` adds select expressions over the row (alias `t`), so a
 * view's decorations come in the same statement as the row itself.
 */
export async function findRowsByIdentity(
  ds: DataSource,
  table: string,
  scope: Scope,
  identity: string,
  opts: { byName: boolean },
  extra = '',
): Promise<Record<string, unknown>[]> {
  for (const attempt of identityConditions(identity, 't', opts)) {
    const params: unknown[] = [];
    const conds: string[] = [];
    const s = scopeCondition(scope, 't', params);
    if (s) conds.push(s);
    params.push(attempt.value);
    conds.push(attempt.sql.replace('$?', `$${params.length}`));
    const rows = await preparedRows(
      ds,
      `SELECT t.*${extra ? `, ${extra}` : ''} FROM ${table} t WHERE ${conds.join(' AND ')} LIMIT 2`,
      params,
    );
    if (rows.length) return rows;
  }
  return [];
}
