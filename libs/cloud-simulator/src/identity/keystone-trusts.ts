import { randomBytes } from 'node:crypto';
import { forbidden, notFound, unauthorized } from '../http/api-error';
import { isoMicros } from '../http/times';
import type { Caller, IdentityState, Role, Trust, User } from '../store/identity-state';
import { invalid, isObject, type Json } from './keystone-input';

/**
 * `POST /v3/OS-TRUST/trusts`, as Keystone checks it: only the trustor may make a trust, not with
 * a token that came from a trust itself, in the project the token is scoped to, and only with
 * roles the trustor holds there.
 */
export function createTrust(identity: IdentityState, caller: Caller, body: unknown, now: number): Trust {
  if (!isObject(body) || !isObject(body.trust)) throw invalid('trust', "'trust' is a required property");
  const t = body.trust;
  for (const f of ['trustor_user_id', 'trustee_user_id'])
    if (typeof t[f] !== 'string') throw invalid(f, `'${f}' is a required property`);
  if (typeof t.impersonation !== 'boolean') throw invalid('impersonation', "'impersonation' is a required property");
  if (t.trustor_user_id !== caller.user.id)
    throw forbidden('The authenticated user should match the trustor.', 'Forbidden');
  if (caller.token.trustId)
    throw forbidden('Redelegation is not allowed for the trust this token was made from.', 'Forbidden');
  if (!identity.users.get(t.trustee_user_id as string)) throw notFound('Could not find user.', 'UserNotFound');
  const projectId = typeof t.project_id === 'string' ? t.project_id : caller.project.id;
  if (projectId !== caller.project.id)
    throw forbidden('A trust can only be made in the project of the token.', 'Forbidden');
  const held = identity.rolesOn(caller.user.id, projectId);
  const asked = Array.isArray(t.roles) ? t.roles : [];
  const roles: Role[] = [];
  for (const r of asked) {
    const role = isObject(r) ? held.find((h) => h.id === r.id || h.name === r.name) : undefined;
    if (!role) throw forbidden('At least one role should be specified.', 'Forbidden');
    if (!roles.includes(role)) roles.push(role);
  }
  if (!roles.length) throw forbidden('At least one role should be specified.', 'Forbidden');
  const expiresAt = typeof t.expires_at === 'string' ? Date.parse(t.expires_at) : null;
  if (expiresAt !== null && !(expiresAt > now)) throw invalid('expires_at', 'must be a time in the future');
  const trust: Trust = {
    id: randomBytes(16).toString('hex'),
    trustorUserId: caller.user.id,
    trusteeUserId: t.trustee_user_id as string,
    projectId,
    roles,
    impersonation: t.impersonation,
    expiresAt,
  };
  identity.trusts.set(trust.id, trust);
  return trust;
}

/**
 * Redeeming a trust (scope `OS-TRUST:trust`): only its trustee may, while it lasts and while the
 * trustor still holds every role it delegates. The token speaks for the trustor when the trust
 * impersonates.
 */
export function redeemTrust(
  identity: IdentityState,
  user: User,
  scope: Json,
  now: number,
): { userId: string; projectId: string; roles: Role[]; trustId: string } {
  const ref = scope['OS-TRUST:trust'];
  if (!isObject(ref) || typeof ref.id !== 'string') throw invalid('OS-TRUST:trust', "'id' is a required property");
  const trust = identity.trusts.get(ref.id);
  if (!trust || (trust.expiresAt !== null && trust.expiresAt <= now))
    throw notFound(`Could not find trust: ${ref.id}.`, 'TrustNotFound');
  if (trust.trusteeUserId !== user.id) throw forbidden('User is not a trustee.', 'Forbidden');
  const held = identity.rolesOn(trust.trustorUserId, trust.projectId);
  if (!trust.roles.every((r) => held.includes(r))) throw unauthorized();
  return {
    userId: trust.impersonation ? trust.trustorUserId : user.id,
    projectId: trust.projectId,
    roles: trust.roles,
    trustId: trust.id,
  };
}

export function trustView(t: Trust, baseUrl: string): Json {
  return {
    id: t.id,
    trustor_user_id: t.trustorUserId,
    trustee_user_id: t.trusteeUserId,
    project_id: t.projectId,
    impersonation: t.impersonation,
    roles: t.roles.map((r) => ({ id: r.id, name: r.name })),
    expires_at: t.expiresAt === null ? null : isoMicros(t.expiresAt),
    remaining_uses: null,
    allow_redelegation: false,
    links: { self: `${baseUrl}/identity/v3/OS-TRUST/trusts/${t.id}` },
  };
}
