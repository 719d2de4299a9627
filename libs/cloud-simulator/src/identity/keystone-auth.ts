import { badRequest, forbidden, unauthorized } from '../http/api-error';
import type { IdentityState, Project, Role, Token, User } from '../store/identity-state';
import { invalid, isObject } from './keystone-input';
import { redeemTrust } from './keystone-trusts';

/**
 * `POST /v3/auth/tokens`: the password or token method, scoped to a project (by id, or by name
 * and domain) or unscoped. Every wrong credential gets the same 401, as Keystone gives, so a
 * caller cannot probe which part was wrong.
 */
export function authenticate(identity: IdentityState, body: unknown, now: number, ttlS: number): Token {
  if (!isObject(body) || !isObject(body.auth)) throw invalid('auth', "'auth' is a required property");
  const auth = body.auth;
  if (!isObject(auth.identity)) throw invalid('identity', "'identity' is a required property");
  const methods = auth.identity.methods;
  if (!Array.isArray(methods) || methods.length === 0 || !methods.every((m) => typeof m === 'string')) {
    throw invalid('methods', "'methods' is a required property");
  }
  let user: User;
  let fromToken: Token | null = null;
  if (methods.includes('password')) {
    user = passwordUser(identity, auth.identity.password);
  } else if (methods.includes('token')) {
    const ref = auth.identity.token;
    if (!isObject(ref) || typeof ref.id !== 'string') throw invalid('token', "'id' is a required property");
    fromToken = identity.validToken(ref.id, now);
    const u = fromToken && identity.users.get(fromToken.userId);
    if (!u) throw unauthorized();
    user = u;
  } else {
    throw unauthorized();
  }

  // A token got from a trust is rescoped to nothing else (Keystone refuses that too).
  if (fromToken?.trustId) throw forbidden('A token got from a trust cannot be rescoped.', 'Forbidden');
  if (isObject(auth.scope) && auth.scope['OS-TRUST:trust'] !== undefined) {
    const redeemed = redeemTrust(identity, user, auth.scope, now);
    return identity.issue({
      ...redeemed,
      methods: methods as string[],
      issuedAt: now,
      expiresAt: Math.min(now + ttlS * 1000, fromToken?.expiresAt ?? Infinity),
    });
  }
  const project = scopedProject(identity, auth.scope);
  let roles: Role[] = [];
  if (project) {
    roles = identity.rolesOn(user.id, project.id);
    if (roles.length === 0) throw unauthorized();
  }
  // A rescoped token cannot outlive the token it came from.
  const expiresAt = Math.min(now + ttlS * 1000, fromToken?.expiresAt ?? Infinity);
  return identity.issue({
    userId: user.id,
    projectId: project?.id ?? null,
    roles,
    methods: methods as string[],
    issuedAt: now,
    expiresAt,
  });
}

function passwordUser(identity: IdentityState, password: unknown): User {
  if (!isObject(password) || !isObject(password.user)) throw invalid('password', "'user' is a required property");
  const u = password.user;
  if (typeof u.password !== 'string') throw invalid('password', "'password' is a required property");
  let user: User | undefined;
  if (typeof u.id === 'string') {
    user = identity.users.get(u.id);
  } else if (typeof u.name === 'string') {
    if (!isObject(u.domain))
      throw badRequest(
        'Expecting to find domain in user. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.',
      );
    const domain = identity.findDomain(u.domain);
    user = domain && identity.findUser(u.name, domain.id);
  } else {
    throw invalid('user', "'id' or 'name' is required");
  }
  if (!user || user.password !== u.password) throw unauthorized();
  return user;
}

function scopedProject(identity: IdentityState, scope: unknown): Project | null {
  if (scope === undefined || scope === 'unscoped') return null;
  if (!isObject(scope)) throw invalid('scope', 'must be an object');
  if (!isObject(scope.project)) {
    // Domain and system scopes exist in Keystone; the simulator's seed grants no roles there.
    if (isObject(scope.domain) || isObject(scope.system)) throw unauthorized();
    throw invalid('scope', "'project' is a required property");
  }
  const p = scope.project;
  let project: Project | undefined;
  if (typeof p.id === 'string') {
    project = identity.projects.get(p.id);
  } else if (typeof p.name === 'string') {
    if (!isObject(p.domain))
      throw badRequest(
        'Expecting to find domain in project. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.',
      );
    const domain = identity.findDomain(p.domain);
    project = domain && identity.findProject(p.name, domain.id);
  } else {
    throw invalid('project', "'id' or 'name' is required");
  }
  if (!project) throw unauthorized();
  return project;
}
