import { isUuid, MultipleChoices, ResourceNotFound, type Scope } from '@grove/core';

/** A piece of SQL with its positional parameters, numbered from `first`. */
export interface SqlPart {
  sql: string;
  params: unknown[];
}

/** `t.project = $n` for a project scope; nothing for the system or admin-global scope. */
export function scopeCondition(scope: Scope, alias: string, params: unknown[]): string | null {
  if (scope.kind === 'all') return null;
  params.push(scope.projectId);
  return `${alias}.project = $${params.length}`;
}

/**
 * Senlin's identity rules for `{id}` in a path: a full UUID is looked up by id and then by name;
 * anything else by exact name and then as a short-id prefix. Returns the conditions to try in order.
 */
export function identityConditions(
  identity: string,
  alias: string,
  opts: { byName: boolean },
): { sql: string; value: string }[] {
  const tries: { sql: string; value: string }[] = [];
  if (isUuid(identity)) tries.push({ sql: `${alias}.id = $?::uuid`, value: identity });
  if (opts.byName) tries.push({ sql: `${alias}.name = $?`, value: identity });
  if (!isUuid(identity) && /^[0-9a-f-]+$/i.test(identity)) {
    tries.push({ sql: `${alias}.id::text LIKE $?`, value: `${identity.toLowerCase()}%` });
  }
  return tries;
}

/** One match or the Senlin error: none is 404, several are 400 MultipleChoices. */
export function exactlyOne<T>(rows: T[], kind: string, identity: string): T {
  if (rows.length > 1) throw new MultipleChoices(identity);
  if (!rows[0]) throw new ResourceNotFound(kind, identity);
  return rows[0];
}
