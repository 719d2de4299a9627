export interface HttpAnswer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as X-Project-Id, as Keystone's middleware would. */
  project?: string;
  /** Sent as X-Roles, e.g. 'admin'. */
  roles?: string;
  /** Sent as `OpenStack-API-Version: clustering <version>`. */
  version?: string;
  headers?: Record<string, string>;
}

export interface ApiClient {
  http<T = Record<string, unknown>>(method: string, path: string, o?: RequestOptions): Promise<HttpAnswer<T>>;
  /** Polls an action until it is SUCCEEDED, FAILED or CANCELLED, and returns it. */
  waitForAction(id: string, o?: { project?: string; timeoutMs?: number }): Promise<Record<string, unknown>>;
}

const FINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

/** A small client of Grove's Senlin API for tests and benchmarks, speaking plain fetch. */
export function apiClient(baseUrl: () => string): ApiClient {
  const http: ApiClient['http'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.body !== undefined) headers['content-type'] ??= 'application/json';
    if (o.project) headers['x-project-id'] = o.project;
    if (o.roles) headers['x-roles'] = o.roles;
    if (o.version) headers['openstack-api-version'] = `clustering ${o.version}`;
    const res = await fetch(`${baseUrl()}${path}`, {
      method,
      headers,
      body: o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      /* a plain-text answer stays text */
    }
    return { status: res.status, headers: res.headers, body } as HttpAnswer<never>;
  };
  const waitForAction: ApiClient['waitForAction'] = async (id, o = {}) => {
    const timeoutMs = o.timeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { body } = await http<{ action?: Record<string, unknown> }>('GET', `/v1/actions/${id}`, {
        project: o.project,
      });
      if (FINAL.includes(String(body?.action?.status))) return body.action!;
      if (Date.now() > deadline)
        throw new Error(`action ${id} still ${String(body?.action?.status)} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { http, waitForAction };
}

/** The action id a 202 points at in its Location header. */
export const actionOf = (a: HttpAnswer<unknown>): string => (a.headers.get('location') ?? '').split('/').pop() ?? '';
