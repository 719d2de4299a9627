import { startCloudSimulator, type CloudSimulator, type SimulatorOptions } from '../simulator';

/** A JSON body as tests read it: through expect(), without declaring every shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type Json = any;

/** An HTTP answer as a test reads it. */
export interface Reply<T = Json> {
  status: number;
  headers: Headers;
  body: T;
}

export interface SimFixture {
  sim: CloudSimulator;
  /** A project-scoped token of `user` (default admin) on `project` (default admin). */
  login(o?: {
    user?: string;
    project?: string;
    password?: string;
  }): Promise<{ token: string; projectId: string; userId: string; body: Json }>;
  /** Any request to the simulator, with the admin token unless one is given (or `token: null`). */
  call<T = Json>(
    method: string,
    path: string,
    o?: { token?: string | null; body?: unknown; headers?: Record<string, string>; url?: string },
  ): Promise<Reply<T>>;
  /** The admin project's id (the default token's project). */
  projectId: string;
  token: string;
}

/**
 * For the simulator's own int tests: a simulator on free ports for the test file, and a client
 * that talks to it over HTTP as any OpenStack client would. (Other projects use
 * `useCloudSimulator` from @grove/testing, which this lib may not import.)
 */
export function useSimulator(opts: SimulatorOptions = {}): SimFixture {
  const f = {} as SimFixture;
  f.login = async (o = {}) => {
    const res = await fetch(`${f.sim.authUrl}/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: {
              user: { name: o.user ?? 'admin', domain: { name: 'Default' }, password: o.password ?? 'secret' },
            },
          },
          scope: { project: { name: o.project ?? 'admin', domain: { name: 'Default' } } },
        },
      }),
    });
    const body = (await res.json()) as Json;
    if (res.status !== 201) throw new Error(`login failed: ${res.status} ${JSON.stringify(body)}`);
    return {
      token: res.headers.get('x-subject-token')!,
      projectId: body.token.project.id,
      userId: body.token.user.id,
      body,
    };
  };
  f.call = async (method, path, o = {}) => {
    const headers: Record<string, string> = { accept: 'application/json', ...o.headers };
    const token = o.token === undefined ? f.token : o.token;
    if (token) headers['x-auth-token'] = token;
    if (o.body !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(`${o.url ?? f.sim.url}${path}`, {
      method,
      headers,
      body: o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body),
      redirect: 'manual',
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, headers: res.headers, body: body as Json };
  };
  beforeAll(async () => {
    f.sim = await startCloudSimulator({ port: 0, dockerPort: 0, ...opts });
    const t = await f.login();
    f.token = t.token;
    f.projectId = t.projectId;
  });
  afterAll(async () => {
    await f.sim?.close();
  });
  return f;
}
