/**
 * Which projects a read may see. Every tenant read takes one, with no default (SL `project_safe`).
 * `all` is for an admin asking with `global_project=true`, and for engine-internal reads, which
 * use the named constant SYSTEM_SCOPE so they can be found with grep.
 */
export type Scope = { kind: 'project'; projectId: string } | { kind: 'all' };

export const SYSTEM_SCOPE: Scope = Object.freeze({ kind: 'all' });

export const projectScope = (projectId: string): Scope => ({ kind: 'project', projectId });

/** Who is asking: what Keystone's middleware would have put in the headers. */
export interface RequestContext {
  requestId: string;
  userId: string;
  projectId: string;
  domainId: string | null;
  roles: string[];
  isAdmin: boolean;
}

/** The scope of a request: its own project, or every project for an admin with global_project. */
export const scopeOf = (ctx: RequestContext, globalProject = false): Scope =>
  globalProject && ctx.isAdmin ? SYSTEM_SCOPE : projectScope(ctx.projectId);
