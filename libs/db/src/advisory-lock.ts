import type { DataSource, EntityManager } from 'typeorm';
import { sql } from './rows';

/**
 * Runs `write` in a transaction that first takes a transaction-scoped advisory lock on `key`.
 * Transactions with the same key run one after the other, so a check in `write` and the insert
 * it allows (a name NAME_UNIQUE keeps free, the project's cluster quota) cannot interleave with
 * another request's, even though no row exists yet that could be locked. The lock ends with the
 * transaction, whatever happens to the process.
 */
export function withKeyLocked<T>(ds: DataSource, key: string, write: (em: EntityManager) => Promise<T>): Promise<T> {
  return ds.transaction(async (em) => {
    await sql(em, 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
    return write(em);
  });
}

/** The key under which writes of `table` rows named in `project` queue (NAME_UNIQUE, quotas). */
export const projectKey = (table: string, project: string): string => `${table}.project:${project}`;
