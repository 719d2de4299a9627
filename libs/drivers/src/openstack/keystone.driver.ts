import { CloudAuthError, Secret, untilAborted } from '@grove/core';
import type { JsonHttp } from '../http/json-http';
import type { AuthToken, CatalogService, CloudCredentials, IdentityDriver } from '../identity/identity.driver';

interface TokenBody {
  token: {
    expires_at: string;
    project?: { id: string };
    user: { id: string };
    catalog?: {
      type: string;
      name?: string;
      endpoints: { interface: string; region?: string; region_id?: string; url: string }[];
    }[];
  };
}

/** Renew a token this long before Keystone says it expires, so no request carries a dying one. */
const RENEW_BEFORE_MS = 5 * 60_000;

/**
 * Keystone v3 password authentication with token reuse. One authentication serves every caller
 * until the token nears expiry; a burst of callers (a 1000-node create) waits on the same request.
 */
export class KeystoneDriver implements IdentityDriver {
  private current: AuthToken | null = null;
  private inflight: Promise<AuthToken> | null = null;

  /**
   * With `trust`, the token is scoped to that Keystone trust (the owner's project, with the
   * owner's roles) instead of the credentials' own project: the trust is looked up when a token
   * is first needed.
   */
  constructor(
    private readonly creds: CloudCredentials,
    private readonly http: JsonHttp,
    private readonly trust?: {
      id: () => Promise<string>;
      refused: (trustId: string) => Promise<void>;
      describe: string;
    },
  ) {}

  async token(signal?: AbortSignal): Promise<AuthToken> {
    if (this.current && this.current.expiresAt.getTime() - Date.now() > RENEW_BEFORE_MS) return this.current;
    // The request is shared by every waiter, so no one caller's signal may end it (one cancelled
    // action would fail the authentication of a whole 1000-node create); it is bounded by the
    // request timeout, and each caller stops waiting on its own signal.
    this.inflight ??= this.authenticate().finally(() => {
      this.inflight = null;
    });
    return untilAborted(this.inflight, signal);
  }

  invalidate(token: AuthToken): void {
    if (this.current === token) this.current = null;
  }

  async endpoint(serviceType: string, region: string, signal?: AbortSignal): Promise<string> {
    const { catalog } = await this.token(signal);
    const service = catalog.find((s) => s.type === serviceType);
    const ep = service?.endpoints.find((e) => e.interface === this.creds.interface && e.region === region);
    if (!ep) {
      throw new CloudAuthError(
        `Keystone: the catalog has no ${this.creds.interface} '${serviceType}' endpoint in region '${region}'`,
      );
    }
    return ep.url.replace(/\/+$/, '');
  }

  async regions(signal?: AbortSignal): Promise<string[]> {
    const { catalog } = await this.token(signal);
    return [...new Set(catalog.flatMap((s) => s.endpoints.map((e) => e.region)))].sort();
  }

  private async authenticate(): Promise<AuthToken> {
    const c = this.creds;
    const trustId = this.trust ? await this.trust.id() : null;
    const scope = trustId
      ? { 'OS-TRUST:trust': { id: trustId } }
      : { project: { name: c.projectName, domain: { name: c.projectDomainName } } };
    const res = await this.http
      .request<TokenBody>({
        method: 'POST',
        // A token request changes nothing that matters: asking again is safe.
        idempotent: true,
        url: `${c.authUrl.replace(/\/+$/, '')}/auth/tokens`,
        body: {
          auth: {
            identity: {
              methods: ['password'],
              password: {
                user: { name: c.username, domain: { name: c.userDomainName }, password: c.password.reveal() },
              },
            },
            scope,
          },
        },
      })
      .catch(async (e: unknown) => {
        const status = (e as { httpStatus?: number }).httpStatus;
        if (this.trust && trustId && (status === 403 || status === 404)) {
          // The trust is gone or not ours to redeem; a 401 may be our own password, so that keeps it.
          await this.trust.refused(trustId).catch(() => undefined);
          throw new CloudAuthError(
            `Keystone refused user '${c.username}' the trust of ${this.trust.describe}: it was deleted or expired, or it names another trustee`,
            401,
          );
        }
        if (this.trust && status === 401) {
          throw new CloudAuthError(
            `Keystone refused user '${c.username}' (its password, or the trust of ${this.trust.describe}, whose trustor may have lost the roles it delegates)`,
            401,
          );
        }
        if (status === 401) {
          throw new CloudAuthError(
            `Keystone refused the credentials of user '${c.username}' for project '${c.projectName}'`,
            401,
          );
        }
        throw e;
      });
    const subject = res.headers['x-subject-token'];
    if (typeof subject !== 'string' || !res.body?.token)
      throw new CloudAuthError('Keystone: the answer carried no token');
    const t = res.body.token;
    const catalog: CatalogService[] = (t.catalog ?? []).map((s) => ({
      type: s.type,
      name: s.name,
      endpoints: s.endpoints.map((e) => ({
        interface: e.interface,
        region: e.region_id ?? e.region ?? '',
        url: e.url,
      })),
    }));
    this.current = {
      token: new Secret(subject),
      expiresAt: new Date(t.expires_at),
      projectId: t.project?.id ?? '',
      userId: t.user.id,
      catalog,
    };
    return this.current;
  }
}
