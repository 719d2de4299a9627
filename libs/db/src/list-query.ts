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
 * One page of a scoped list, in sort order (asc puts nulls first, desc last, as Senlin does), with
 * `id asc` breaking ties. The page starts after the marker's row by keyset: rows that sort after
 * the marker's values, so the database reads only the page (through an index on the sort columns
 * when there is one) instead of numbering every row of the list. An unknown marker, or one the
 * filters leave out, restarts the list (Senlin).
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
  const sort = [...(q.sort?.length ? q.sort : [{ column: l.defaultSort, dir: 'asc' as SortDir }])];
  for (const o of sort)
    if (!l.sortable.includes(o.column)) throw new Error(`'${o.column}' is not sortable on ${l.table}`);
  sort.push({ column: 'id', dir: 'asc' });
  // A column that cannot be null sorts by its plain direction, which its indexes serve (a btree
  // index keeps nulls last ascending, so `ASC NULLS FIRST` would sort every matching row instead).
  const meta = ds.getMetadata(target);
  const nullable = (column: string) => meta.findColumnWithDatabaseName(column)?.isNullable ?? true;
  const order = sort.map(
    (o) =>
      `t.${o.column} ${o.dir === 'desc' ? 'DESC' : 'ASC'}${nullable(o.column) ? (o.dir === 'desc' ? ' NULLS LAST' : ' NULLS FIRST') : ''}`,
  );
  const where = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
  let from = `${l.table} t`;
  const pageConds = [...conds];
  if (q.marker && isUuid(q.marker)) {
    params.push(q.marker);
    // The marker's row, under the same conditions (so a row the filters leave out is unknown).
    const markerRow = `SELECT t.* FROM ${l.table} t ${where ? `${where} AND` : 'WHERE'} t.id = $${params.length}::uuid`;
    from = `${l.table} t LEFT JOIN (${markerRow}) m ON TRUE`;
    pageConds.push(`(m.id IS NULL OR ${afterMarker(sort)})`);
  }
  let limit = '';
  if (q.limit !== undefined) {
    params.push(q.limit);
    limit = `LIMIT $${params.length}`;
  }
  const rows = await ds.query(
    `SELECT t.* FROM ${from} ${pageConds.length ? `WHERE ${pageConds.join(' AND ')}` : ''}
     ORDER BY ${order.join(', ')} ${limit}`,
    params,
  );
  return toEntities(ds, target, rows);
}

/**
 * "Row t sorts after marker m" for these sort columns: t is after m on the first column, or equal
 * (nulls included) there and after on the next, and so on. Nulls come first ascending and last
 * descending, so a null is "after" a value only when descending, a value after a null only when
 * ascending.
 */
function afterMarker(sort: { column: string; dir: SortDir }[]): string {
  const after = ({ column: c, dir }: { column: string; dir: SortDir }) =>
    dir === 'asc'
      ? `(t.${c} > m.${c} OR (m.${c} IS NULL AND t.${c} IS NOT NULL))`
      : `(t.${c} < m.${c} OR (m.${c} IS NOT NULL AND t.${c} IS NULL))`;
  const terms = sort.map((o, i) => {
    const equal = sort.slice(0, i).map((p) => `t.${p.column} IS NOT DISTINCT FROM m.${p.column}`);
    return `(${[...equal, after(o)].join(' AND ')})`;
  });
  return `(${terms.join(' OR ')})`;
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
