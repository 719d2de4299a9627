import { Forbidden, type RequestContext } from '@grove/core';

/**
 * Who may do what, in one place. Senlin's default policy (senlin/common/policies) leaves every
 * API open to any authenticated user except `services:index`, which needs the admin role; its
 * engine adds the checks below that the policy file does not show. Everything else a user may do
 * is bounded by their project, which every repository query applies.
 */
export const ACCESS_RULES = {
  /** GET /v1/services: the admin role (Senlin's only protected policy rule). */
  'services:index': 'admin',
  /** `global_project=true` on a list: the admin role (Senlin's engine refuses it otherwise). */
  global_project: 'admin',
  /** A receiver on a cluster: the cluster's owner (the user who made it) or an admin. */
  'receivers:create': 'owner or admin',
  /** POST /v1/receivers/{id}/notify: the receiver's owner or an admin. */
  'receivers:notify': 'owner or admin',
} as const;

export type AccessRule = keyof typeof ACCESS_RULES;

/** Whether the request may do what `rule` guards; `ownerId` is the user who owns the object, for owner rules. */
export function allowed(ctx: RequestContext, rule: AccessRule, ownerId?: string): boolean {
  const needs = ACCESS_RULES[rule];
  if (ctx.isAdmin) return true;
  return needs === 'owner or admin' && ownerId !== undefined && ctx.userId === ownerId;
}

/** Refuses with Senlin's 403 unless the request may do what `rule` guards. */
export function enforce(ctx: RequestContext, rule: AccessRule, ownerId?: string): void {
  if (!allowed(ctx, rule, ownerId)) throw new Forbidden();
}
