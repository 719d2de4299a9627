import { randomBytes } from 'node:crypto';
import type { SimulatorSeed } from '../seed/seed';

export interface Domain {
  id: string;
  name: string;
}

export interface Project {
  id: string;
  name: string;
  domainId: string;
  description: string;
}

export interface Role {
  id: string;
  name: string;
}

export interface User {
  id: string;
  name: string;
  domainId: string;
  password: string;
  email: string | null;
}

export interface Token {
  id: string;
  userId: string;
  /** Null for an unscoped token. */
  projectId: string | null;
  roles: Role[];
  methods: string[];
  issuedAt: number;
  expiresAt: number;
  auditId: string;
  /** Set on a token got by redeeming a trust (scope `OS-TRUST:trust`). */
  trustId?: string;
}

/** A Keystone trust: the trustor lets the trustee act in one project with some of the trustor's roles. */
export interface Trust {
  id: string;
  trustorUserId: string;
  trusteeUserId: string;
  projectId: string;
  roles: Role[];
  /** A redeemed token speaks as the trustor (true) or as the trustee (false). */
  impersonation: boolean;
  expiresAt: number | null;
}

/** Who is calling, as every cloud API sees it once the token is checked. */
export interface Caller {
  token: Token;
  user: User;
  project: Project;
  roleNames: string[];
  isAdmin: boolean;
}

/** Expired tokens are swept once this many are held, so a long benchmark does not grow memory. */
const SWEEP_AT = 50_000;

/**
 * Keystone's tables: domains, projects, roles, users and their role assignments from the seed,
 * plus the tokens issued so far. A reset does not touch tokens: the users are the same, and a
 * client holding a token should not see a 401 because a test reset the cloud.
 */
export class IdentityState {
  readonly domains = new Map<string, Domain>();
  readonly projects = new Map<string, Project>();
  readonly roles = new Map<string, Role>();
  readonly users = new Map<string, User>();
  /** userId → projectId → roles. */
  private readonly assignments = new Map<string, Map<string, Role[]>>();
  private readonly tokens = new Map<string, Token>();
  /** Kept across resets, as tokens are: whoever holds one is the same user after a reset. */
  readonly trusts = new Map<string, Trust>();

  constructor(seed: SimulatorSeed) {
    for (const d of seed.domains) this.domains.set(d.id, { id: d.id, name: d.name });
    for (const p of seed.projects)
      this.projects.set(p.id, { id: p.id, name: p.name, domainId: p.domain_id, description: p.description ?? '' });
    for (const r of seed.roles) this.roles.set(r.id, { id: r.id, name: r.name });
    const roleByName = new Map(seed.roles.map((r) => [r.name, this.roles.get(r.id)!]));
    for (const u of seed.users) {
      this.users.set(u.id, {
        id: u.id,
        name: u.name,
        domainId: u.domain_id,
        password: u.password,
        email: u.email ?? null,
      });
      const byProject = new Map<string, Role[]>();
      for (const a of u.roles) {
        const project = this.projects.get(a.project) ?? [...this.projects.values()].find((p) => p.name === a.project);
        const role = roleByName.get(a.role);
        if (!project || !role) continue;
        const list = byProject.get(project.id) ?? [];
        if (!list.includes(role)) list.push(role);
        byProject.set(project.id, list);
      }
      this.assignments.set(u.id, byProject);
    }
  }

  findDomain(ref: { id?: unknown; name?: unknown } | undefined): Domain | undefined {
    if (!ref) return undefined;
    if (typeof ref.id === 'string') return this.domains.get(ref.id);
    if (typeof ref.name === 'string') return [...this.domains.values()].find((d) => d.name === ref.name);
    return undefined;
  }

  findUser(name: string, domainId: string): User | undefined {
    for (const u of this.users.values()) if (u.name === name && u.domainId === domainId) return u;
    return undefined;
  }

  findProject(name: string, domainId: string): Project | undefined {
    for (const p of this.projects.values()) if (p.name === name && p.domainId === domainId) return p;
    return undefined;
  }

  rolesOn(userId: string, projectId: string): Role[] {
    return this.assignments.get(userId)?.get(projectId) ?? [];
  }

  /** Projects on which the user holds any role. */
  projectsOf(userId: string): Project[] {
    return [...(this.assignments.get(userId)?.keys() ?? [])].map((id) => this.projects.get(id)!).filter(Boolean);
  }

  issue(t: Omit<Token, 'id' | 'auditId'>): Token {
    if (this.tokens.size >= SWEEP_AT) this.sweep(t.issuedAt);
    // Fernet tokens start with gAAAAA; clients treat them as opaque.
    const token: Token = {
      ...t,
      id: `gAAAAA${randomBytes(96).toString('base64url')}`,
      auditId: randomBytes(16).toString('base64url').slice(0, 22),
    };
    this.tokens.set(token.id, token);
    return token;
  }

  /** The token if it exists and has not expired. */
  validToken(id: string, now: number): Token | null {
    const t = this.tokens.get(id);
    if (!t) return null;
    if (t.expiresAt <= now) {
      this.tokens.delete(id);
      return null;
    }
    return t;
  }

  revoke(id: string): boolean {
    return this.tokens.delete(id);
  }

  /** Deletes a trust and, as Keystone does, every token got from it. */
  deleteTrust(id: string): void {
    this.trusts.delete(id);
    for (const [tokenId, t] of this.tokens) if (t.trustId === id) this.tokens.delete(tokenId);
  }

  private sweep(now: number): void {
    for (const [id, t] of this.tokens) if (t.expiresAt <= now) this.tokens.delete(id);
  }

  /** The caller behind a project-scoped token, or null (unknown, expired, unscoped, or its project is gone). */
  caller(tokenId: string, now: number): Caller | null {
    const token = this.validToken(tokenId, now);
    if (!token?.projectId) return null;
    const user = this.users.get(token.userId);
    const project = this.projects.get(token.projectId);
    if (!user || !project) return null;
    const roleNames = token.roles.map((r) => r.name);
    return { token, user, project, roleNames, isAdmin: roleNames.includes('admin') };
  }
}
