/**
 * Test-only stand-in for keystonemiddleware in front of Grove, for the tempest harness: Grove runs in
 * "noauth" mode and trusts X-User-Id / X-Project-Id / X-Roles, so this proxy checks each request's
 * X-Auth-Token against Keystone (GET /v3/auth/tokens with X-Subject-Token, as an admin) and forwards
 * it with the identity headers keystonemiddleware would set, after removing any the client sent.
 * A bad or missing token gets keystonemiddleware's 401. Two paths need no token, as in Senlin's
 * pipeline: the version list (`/`) and webhook triggers (POST …/webhooks/<id>/trigger), which reach
 * Grove with no identity at all (Senlin's webhook middleware would act as the receiver's owner).
 *
 * Run: node dist/test/tempest/auth-proxy.js, configured by PROXY_PORT, PROXY_HOST, GROVE_URL and
 * the OS_AUTH_URL / OS_USERNAME / OS_PASSWORD / OS_PROJECT_NAME / OS_*_DOMAIN_NAME of an admin.
 * Real Keystone auth inside Grove is a later issue; this file goes when it lands.
 */
import { createServer, request as forward, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';

interface Admin {
  authUrl: string; // …/v3
  username: string;
  password: string;
  projectName: string;
  userDomainName: string;
  projectDomainName: string;
}

interface KeystoneToken {
  expires_at: string;
  user: { id: string; name: string; domain: { id: string; name: string } };
  project?: { id: string; name: string; domain: { id: string; name: string } };
  domain?: { id: string; name: string };
  roles?: { id: string; name: string }[];
  is_admin_project?: boolean;
}

type Identity = Record<string, string>;

// keystonemiddleware caches a validated token for token_cache_time (300 s) unless it expires sooner.
const CACHE_MS = 300_000;
const CACHE_MAX = 5_000;

/** Every header keystonemiddleware sets or removes; a client must not be able to send them itself. */
const IDENTITY_HEADER =
  /^x-(service-)?(identity-status|domain-(id|name)|project-(id|name|domain-id|domain-name)|user-(id|name|domain-id|domain-name)|roles|service-catalog)$|^x-(role|user|tenant-id|tenant-name|tenant|is-admin-project)$|^openstack-system-scope$/;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te']);
const WEBHOOK_TRIGGER = /^\/v1\/webhooks\/[^/]+\/trigger$/;

const UNAUTHORIZED = JSON.stringify({
  error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' },
});

class Keystone {
  private adminToken: { value: string; renewAt: number } | null = null;
  private readonly cache = new Map<string, { identity: Identity; until: number }>();
  private readonly inFlight = new Map<string, Promise<Identity | null>>();

  constructor(private readonly admin: Admin) {}

  /** The identity headers of a valid token, or null for an invalid or expired one. */
  async validate(token: string): Promise<Identity | null> {
    const hit = this.cache.get(token);
    if (hit && hit.until > Date.now()) return hit.identity;
    let pending = this.inFlight.get(token);
    if (!pending) {
      pending = this.lookUp(token).finally(() => this.inFlight.delete(token));
      this.inFlight.set(token, pending);
    }
    return pending;
  }

  private async lookUp(token: string, retried = false): Promise<Identity | null> {
    const res = await fetch(`${this.admin.authUrl}/auth/tokens`, {
      headers: { 'X-Auth-Token': await this.serviceToken(), 'X-Subject-Token': token },
    });
    if (res.status === 401 && !retried) {
      this.adminToken = null; // ours expired or was revoked
      return this.lookUp(token, true);
    }
    if (res.status === 404 || res.status === 401) return null;
    if (!res.ok) throw new Error(`Keystone answered ${res.status} to a token check: ${await res.text()}`);
    const body = (await res.json()) as { token: KeystoneToken };
    const identity = identityHeaders(body.token);
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(token, { identity, until: Math.min(Date.now() + CACHE_MS, Date.parse(body.token.expires_at)) });
    return identity;
  }

  private async serviceToken(): Promise<string> {
    if (this.adminToken && this.adminToken.renewAt > Date.now()) return this.adminToken.value;
    const a = this.admin;
    const res = await fetch(`${a.authUrl}/auth/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: a.username, password: a.password, domain: { name: a.userDomainName } } },
          },
          scope: { project: { name: a.projectName, domain: { name: a.projectDomainName } } },
        },
      }),
    });
    const value = res.headers.get('x-subject-token');
    if (res.status !== 201 || !value) throw new Error(`Keystone refused the proxy's admin login (${res.status})`);
    const { token } = (await res.json()) as { token: KeystoneToken };
    this.adminToken = { value, renewAt: Date.parse(token.expires_at) - 60_000 };
    return value;
  }
}

/** The headers keystonemiddleware's set_user_headers writes, including its deprecated aliases. */
export function identityHeaders(t: KeystoneToken): Identity {
  const h: Identity = {
    'X-Identity-Status': 'Confirmed',
    'X-User-Id': t.user.id,
    'X-User-Name': t.user.name,
    'X-User-Domain-Id': t.user.domain.id,
    'X-User-Domain-Name': t.user.domain.name,
    'X-Roles': (t.roles ?? []).map((r) => r.name).join(','),
    'X-Is-Admin-Project': t.is_admin_project === false ? 'False' : 'True',
  };
  if (t.project) {
    Object.assign(h, {
      'X-Project-Id': t.project.id,
      'X-Project-Name': t.project.name,
      'X-Project-Domain-Id': t.project.domain.id,
      'X-Project-Domain-Name': t.project.domain.name,
      'X-Tenant-Id': t.project.id,
      'X-Tenant-Name': t.project.name,
      'X-Tenant': t.project.name,
    });
  }
  if (t.domain) Object.assign(h, { 'X-Domain-Id': t.domain.id, 'X-Domain-Name': t.domain.name });
  h['X-User'] = t.user.name;
  h['X-Role'] = h['X-Roles'];
  return h;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function needsToken(req: IncomingMessage): boolean {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/' || path === '/versions' || path === '/versions/') return false;
  return !(req.method === 'POST' && WEBHOOK_TRIGGER.test(path));
}

function forwardedHeaders(req: IncomingMessage, identity: Identity | null): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (!IDENTITY_HEADER.test(k) && !HOP_BY_HOP.has(k)) out[k] = v;
  }
  // Host stays as the client sent it, so Grove's Location headers name the proxy.
  return identity ? { ...out, ...identity } : out;
}

export function startAuthProxy(opts: { port: number; host: string; grove: URL; admin: Admin }) {
  const keystone = new Keystone(opts.admin);
  const wwwAuthenticate = `Keystone uri="${opts.admin.authUrl.replace(/\/v3\/?$/, '')}"`;
  const server = createServer((req, res) => {
    const started = Date.now();
    const token = header(req, 'x-auth-token');
    const identityOf = needsToken(req)
      ? token
        ? keystone.validate(token)
        : Promise.resolve(null)
      : Promise.resolve(undefined);
    identityOf.then(
      (identity) => {
        if (identity === null) {
          res.writeHead(401, {
            'Content-Type': 'application/json; charset=UTF-8',
            'WWW-Authenticate': wwwAuthenticate,
          });
          res.end(UNAUTHORIZED);
          log(req, 401, started, '-');
          return;
        }
        const upstream = forward(
          {
            host: opts.grove.hostname,
            port: opts.grove.port,
            method: req.method,
            path: req.url,
            headers: forwardedHeaders(req, identity ?? null),
          },
          (answer) => {
            const headers = Object.fromEntries(
              Object.entries(answer.headers).filter(([k]) => !HOP_BY_HOP.has(k)),
            ) as IncomingHttpHeaders;
            res.writeHead(answer.statusCode ?? 502, headers);
            answer.pipe(res);
            answer.on('end', () => log(req, answer.statusCode ?? 502, started, identity?.['X-User-Name'] ?? '-'));
          },
        );
        upstream.on('error', (e) => fail(e, 502));
        req.pipe(upstream);
      },
      (e: unknown) => fail(e, 503),
    );

    function fail(e: unknown, status: number) {
      if (!res.headersSent) {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { code: status, message: `auth proxy: ${String(e)}` } }));
      } else res.destroy();
      log(req, status, started, String(e));
    }
  });
  return new Promise<typeof server>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve(server));
  });
}

function log(req: IncomingMessage, status: number, started: number, who: string): void {
  process.stdout.write(
    `${new Date().toISOString()} ${req.method} ${req.url} ${status} ${Date.now() - started}ms ${who}\n`,
  );
}

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`auth-proxy: ${name} is not set`);
  return v;
}

if (require.main === module) {
  const env = process.env;
  startAuthProxy({
    port: Number(env.PROXY_PORT ?? 0),
    host: env.PROXY_HOST ?? '127.0.0.1',
    grove: new URL(required('GROVE_URL')),
    admin: {
      authUrl: required('OS_AUTH_URL').replace(/\/$/, ''),
      username: required('OS_USERNAME'),
      password: required('OS_PASSWORD'),
      projectName: required('OS_PROJECT_NAME'),
      userDomainName: env.OS_USER_DOMAIN_NAME ?? 'Default',
      projectDomainName: env.OS_PROJECT_DOMAIN_NAME ?? 'Default',
    },
  }).then(
    (server) => {
      const a = server.address();
      process.stdout.write(`auth proxy listening on ${typeof a === 'object' && a ? `${a.address}:${a.port}` : a}\n`);
      const stop = () => {
        server.close(() => process.exit(0));
        server.closeAllConnections();
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    },
    (e: unknown) => {
      process.stderr.write(`${String(e)}\n`);
      process.exit(1);
    },
  );
}
