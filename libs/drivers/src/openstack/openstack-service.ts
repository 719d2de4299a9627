import type { HttpMethod, HttpResponse, JsonHttp } from '../http/json-http';
import type { IdentityDriver } from '../identity/identity.driver';

export interface ServiceCall {
  body?: unknown;
  expect?: number[];
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/**
 * The common half of every OpenStack driver: find the endpoint in the catalog, send the token,
 * and authenticate again once if the service says the token is no longer valid.
 */
export class OpenStackService {
  constructor(
    readonly serviceType: string,
    readonly region: string,
    protected readonly identity: IdentityDriver,
    protected readonly http: JsonHttp,
    /**
     * The API version segment (`/v2`, `/v2.0`) appended to the catalog URL unless the catalog
     * already includes it: deployments register Glance and Neutron both ways.
     */
    private readonly versionSegment = '',
  ) {}

  private async base(signal?: AbortSignal): Promise<string> {
    const url = await this.identity.endpoint(this.serviceType, this.region, signal);
    return this.versionSegment && !url.endsWith(this.versionSegment) ? `${url}${this.versionSegment}` : url;
  }

  /**
   * The project this service's calls work in: the token's (the owner's, through a trust; the
   * account's own in noauth mode). Lookups show only what it owns or what is shared with it, even
   * when the token is an admin's that Neutron or Nova would show everything to.
   */
  async project(signal?: AbortSignal): Promise<string> {
    return (await this.identity.token(signal)).projectId;
  }

  async call<T = unknown>(method: HttpMethod, path: string, o: ServiceCall = {}): Promise<HttpResponse<T>> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.identity.token(o.signal);
      const base = await this.base(o.signal);
      const expect = attempt === 0 ? [...(o.expect ?? []), 401] : o.expect;
      const res = await this.http.request<T>({
        method,
        url: `${base}${path}`,
        body: o.body,
        expect,
        signal: o.signal,
        headers: { 'x-auth-token': token.token.reveal(), ...o.headers },
      });
      if (res.status === 401 && attempt === 0 && !o.expect?.includes(401)) {
        this.identity.invalidate(token);
        continue;
      }
      return res;
    }
  }
}
