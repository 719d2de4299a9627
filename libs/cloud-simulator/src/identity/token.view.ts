import { isoMicros } from '../http/times';
import type { IdentityState, Token } from '../store/identity-state';
import type { CatalogEntry } from './catalog';

/** Keystone's token body; the catalog only for project-scoped tokens, and only when asked for. */
export function toTokenView(
  identity: IdentityState,
  t: Token,
  catalog: CatalogEntry[] | null,
): { token: Record<string, unknown> } {
  const user = identity.users.get(t.userId)!;
  const userDomain = identity.domains.get(user.domainId)!;
  const token: Record<string, unknown> = {
    methods: t.methods,
    user: {
      domain: { id: userDomain.id, name: userDomain.name },
      id: user.id,
      name: user.name,
      password_expires_at: null,
    },
    audit_ids: [t.auditId],
    expires_at: isoMicros(t.expiresAt),
    issued_at: isoMicros(t.issuedAt),
  };
  if (t.projectId) {
    const project = identity.projects.get(t.projectId)!;
    const domain = identity.domains.get(project.domainId)!;
    token.project = { domain: { id: domain.id, name: domain.name }, id: project.id, name: project.name };
    token.is_domain = false;
    token.roles = t.roles.map((r) => ({ id: r.id, name: r.name }));
    if (catalog) token.catalog = catalog;
  }
  const trust = t.trustId ? identity.trusts.get(t.trustId) : undefined;
  if (trust) {
    token['OS-TRUST:trust'] = {
      id: trust.id,
      impersonation: trust.impersonation,
      trustor_user: { id: trust.trustorUserId },
      trustee_user: { id: trust.trusteeUserId },
    };
  }
  return { token };
}
