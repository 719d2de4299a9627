import { freshProject, make } from '@grove/testing';
import { useGrove, type HttpAnswer } from '../testing/grove-harness';
import { expectFault } from '../testing/senlin-answers';

/** What every request meets before its controller: microversions, request ids, bodies, routing, identity. */
const LIMIT = 65_536;
const h = useGrove({
  MAX_JSON_BODY_BYTES: String(LIMIT),
  DEFAULT_PROJECT_ID: 'grove-default',
  DEFAULT_USER_ID: 'grove-user',
});

const SPEC = {
  type: 'os.nova.server',
  version: '1.0',
  properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk' },
};
const REQUEST_ID = /^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const versionHeaders = (a: HttpAnswer<unknown>) => ({
  version: a.headers.get('openstack-api-version'),
  vary: a.headers.get('vary'),
});

/** A request with exactly these headers and this raw body (apiClient always adds a JSON content type). */
async function raw(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string | Blob,
): Promise<HttpAnswer<unknown>> {
  const res = await fetch(`${h.url}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* plain text stays text */
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

describe('microversion negotiation', () => {
  it('answers at 1.0 when the request names no version, and says so', async () => {
    const a = await h.http('GET', '/v1/clusters', { project: freshProject() });
    expect(a.status).toBe(200);
    expect(versionHeaders(a)).toEqual({ version: 'clustering 1.0', vary: 'OpenStack-API-Version' });
  });

  it.each([
    ['clustering latest', 'clustering 1.15'],
    ['clustering LATEST', 'clustering 1.15'],
    ['clustering 1.7', 'clustering 1.7'],
    ['clustering 1.14', 'clustering 1.14'],
    ['compute 2.1, clustering 1.3', 'clustering 1.3'],
    ['compute 2.1', 'clustering 1.0'],
  ])('reads %p and echoes %p', async (header, echoed) => {
    const a = await h.http('GET', '/v1/profiles', {
      project: freshProject(),
      headers: { 'openstack-api-version': header },
    });
    expect(a.status).toBe(200);
    expect(versionHeaders(a)).toEqual({ version: echoed, vary: 'OpenStack-API-Version' });
  });

  it.each(['1', '1.a', 'v1.2', '1.01', '1.2.3', '01.2', '0.9'])(
    'refuses the malformed version %p with a 400',
    async (v) => {
      const a = await h.http('GET', '/v1/clusters', { project: freshProject(), version: v });
      expectFault(
        a,
        400,
        'HTTPBadRequest',
        `API Version String '${v}' is of invalid format. It must be of format 'major.minor'.`,
      );
      expect(versionHeaders(a)).toEqual({ version: null, vary: null });
    },
  );

  it.each(['2.0', '1.16', '3.0'])('refuses %p, outside 1.0-1.15, with a 406', async (v) => {
    const a = await h.http('GET', '/v1/clusters', { project: freshProject(), version: v });
    expectFault(
      a,
      406,
      'InvalidGlobalAPIVersion',
      `Version '${v}' is not supported by the API. Minimum is '1.0' and maximum is '1.15'.`,
    );
    expect(a.body).toMatchObject({ title: 'Not Acceptable' });
    expect(versionHeaders(a)).toEqual({ version: null, vary: null });
  });

  it('puts no version headers on error bodies', async () => {
    const a = await h.http('GET', '/v1/clusters/nowhere', { project: freshProject(), version: '1.12' });
    expectFault(a, 404, 'ResourceNotFound', "The cluster 'nowhere' could not be found.");
    expect(versionHeaders(a)).toEqual({ version: null, vary: null });
  });

  it('answers an operation below its microversion with 400 MethodVersionNotFound', async () => {
    const a = await h.http('POST', '/v1/profiles/validate', {
      project: freshProject(),
      version: '1.1',
      body: { profile: { spec: SPEC } },
    });
    expectFault(a, 400, 'MethodVersionNotFound', "API version '1.1' is not supported on this method.");
    const b = await h.http('POST', '/v1/profiles/validate', {
      project: freshProject(),
      body: { profile: { spec: SPEC } },
    });
    expectFault(b, 400, 'MethodVersionNotFound', "API version '1.0' is not supported on this method.");
  });
});

describe('fault bodies', () => {
  it.each([
    [
      404,
      'GET',
      '/v1/clusters/nowhere',
      {
        code: 404,
        error: { code: 404, message: "The cluster 'nowhere' could not be found.", type: 'ResourceNotFound' },
        explanation: 'The resource could not be found.',
        title: 'Not Found',
      },
    ],
    [
      400,
      'GET',
      '/v1/clusters?limit=x',
      {
        code: 400,
        error: { code: 400, message: "The value for limit must be an integer: 'x'.", type: 'HTTPBadRequest' },
        explanation:
          'The server could not comply with the request since\r\nit is either malformed or otherwise incorrect.\r\n',
        title: 'Bad Request',
      },
    ],
    [
      403,
      'GET',
      '/v1/clusters?global_project=true',
      {
        code: 403,
        error: { code: 403, message: 'You are not authorized to complete this operation.', type: 'Forbidden' },
        explanation: 'Access was denied to this resource.',
        title: 'Forbidden',
      },
    ],
  ])('are Senlin’s for a %i', async (_status, method, path, body) => {
    const a = await h.http(method, path, { project: freshProject() });
    expect(a.headers.get('content-type')).toMatch(/^application\/json/);
    expect(a.body).toEqual(body);
  });

  it('are Senlin’s for a 409', async () => {
    const project = freshProject();
    await make.cluster(h.grove.dataSource, { project, name: 'busy', status: 'CREATING' });
    const a = await h.http('DELETE', '/v1/clusters/busy', { project });
    expect(a.body).toEqual({
      code: 409,
      error: { code: 409, message: "The cluster 'busy' is in status CREATING.", type: 'ActionInProgress' },
      explanation: 'There was a conflict when trying to complete your request.',
      title: 'Conflict',
    });
  });
});

describe('X-OpenStack-Request-ID', () => {
  const ids: string[] = [];
  const idOf = (a: HttpAnswer<unknown>) => {
    const id = a.headers.get('x-openstack-request-id') ?? '';
    expect(id).toMatch(REQUEST_ID);
    ids.push(id);
    return id;
  };

  it('is on successful answers', async () => {
    idOf(await h.http('GET', '/v1/clusters', { project: freshProject() }));
    idOf(
      await h.http('POST', '/v1/profiles', { project: freshProject(), body: { profile: { name: 'p', spec: SPEC } } }),
    );
  });

  it('is on error answers, whatever failed', async () => {
    idOf(await h.http('GET', '/v1/profiles/nowhere', { project: freshProject() }));
    idOf(await h.http('GET', '/v1/clusters', { version: '9.9' }));
    idOf(await h.http('GET', '/v1/clusters', { version: 'x' }));
    idOf(await h.http('GET', '/v1/services'));
    idOf(await h.http('GET', '/v1/no-such-thing'));
    idOf(await raw('POST', '/v1/profiles', { 'content-type': 'application/json' }, '{"profile": '));
    idOf(
      await raw(
        'POST',
        '/v1/profiles',
        { 'content-type': 'application/json' },
        JSON.stringify({ pad: 'x'.repeat(LIMIT) }),
      ),
    );
  });

  it('is new for every request', () => {
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('request bodies', () => {
  it('refuses malformed JSON with a 400 in Senlin’s fault body', async () => {
    const a = await raw('POST', '/v1/profiles', { 'content-type': 'application/json' }, '{"profile": {"name": ');
    expectFault(a, 400, 'HTTPBadRequest', /^Malformed JSON in the request body: /);
    expect(a.body).toMatchObject({ title: 'Bad Request' });
  });

  it('refuses a body over MAX_JSON_BODY_BYTES with 400 RequestLimitExceeded, not 413', async () => {
    const body = JSON.stringify({ profile: { name: 'big', spec: SPEC, metadata: { pad: 'x'.repeat(LIMIT) } } });
    const a = await raw(
      'POST',
      '/v1/profiles',
      { 'content-type': 'application/json', 'x-project-id': freshProject() },
      body,
    );
    expectFault(
      a,
      400,
      'RequestLimitExceeded',
      `Request limit exceeded: JSON body size (${Buffer.byteLength(body)} bytes) exceeds maximum allowed size (${LIMIT} bytes).`,
    );
  });

  it('takes a body of exactly MAX_JSON_BODY_BYTES', async () => {
    const bare = JSON.stringify({ profile: { name: 'edge', spec: SPEC, metadata: { pad: '' } } });
    const body = JSON.stringify({
      profile: { name: 'edge', spec: SPEC, metadata: { pad: 'x'.repeat(LIMIT - bare.length) } },
    });
    expect(Buffer.byteLength(body)).toBe(LIMIT);
    const a = await raw(
      'POST',
      '/v1/profiles',
      { 'content-type': 'application/json', 'x-project-id': freshProject() },
      body,
    );
    expect(a.status).toBe(201);
  });

  it('reads JSON sent as application/json, with a charset too', async () => {
    const body = (name: string) => JSON.stringify({ profile: { name, spec: SPEC } });
    const project = freshProject();
    for (const [name, type] of [
      ['plain', 'application/json'],
      ['charset', 'application/json; charset=utf-8'],
    ]) {
      const a = await raw('POST', '/v1/profiles', { 'content-type': type, 'x-project-id': project }, body(name));
      expect(a.status).toBe(201);
      expect((a.headers.get('content-type') ?? '').split(';')[0]).toBe('application/json');
    }
  });

  it('refuses a body of any other content type, or of none, with a 415 (what a web page could forge)', async () => {
    const body = JSON.stringify({ profile: { name: 'forged', spec: SPEC } });
    const project = freshProject();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const a = await raw('POST', '/v1/profiles', { 'content-type': type, 'x-project-id': project }, body);
      expectFault(
        a,
        415,
        'HTTPUnsupportedMediaType',
        `Grove reads only application/json bodies, not Content-Type "${type.split(';')[0]}".`,
      );
    }
    const untyped = await raw('POST', '/v1/profiles', { 'x-project-id': project }, new Blob([body]));
    expectFault(
      untyped,
      415,
      'HTTPUnsupportedMediaType',
      'Grove reads only application/json bodies, not a body without a Content-Type.',
    );
    const listed = await raw('GET', '/v1/profiles', { 'x-project-id': project });
    expect((listed.body as { profiles: unknown[] }).profiles).toEqual([]);
  });

  it('lets a bodiless request through whatever its content type says', async () => {
    const a = await raw('DELETE', `/v1/profiles/${crypto.randomUUID()}`, {
      'content-type': 'text/plain',
      'x-project-id': freshProject(),
    });
    expect(a.status).toBe(404);
  });
});

describe('unknown URLs and methods', () => {
  const NOT_FOUND = {
    code: 404,
    error: { code: 404, message: 'The resource could not be found.', type: 'HTTPNotFound' },
    explanation: 'The resource could not be found.',
    title: 'Not Found',
  };

  it.each([
    ['GET', '/v1/bogus'],
    ['GET', '/v2/clusters'],
    ['GET', '/v1/clusters/x/y/z'],
    ['POST', '/v1/clusters/x/bogus'],
    ['DELETE', '/v1/no-such-thing/x'],
    ['PUT', '/v9'],
  ])('%s %s is a 404 in Senlin’s fault body', async (method, path) => {
    const a = await h.http(method, path, { project: freshProject() });
    expect(a.status).toBe(404);
    expect(a.headers.get('content-type')).toMatch(/^application\/json/);
    expect(a.body).toEqual(NOT_FOUND);
    expect(versionHeaders(a)).toEqual({ version: null, vary: null });
  });

  it.each([
    ['PUT', '/v1/clusters/x', 'DELETE, GET, HEAD, PATCH'],
    ['POST', '/v1/clusters/x', 'DELETE, GET, HEAD, PATCH'],
    ['DELETE', '/v1/events/x', 'GET, HEAD'],
    ['PUT', '/v1/profiles', 'GET, HEAD, POST'],
    ['DELETE', '/v1/actions/x', 'GET, HEAD, PATCH'],
    ['GET', '/v1/clusters/x/actions', 'POST'],
    ['PATCH', '/', 'GET, HEAD'],
  ])('%s %s, a path that exists, is a 405 naming the methods it has', async (method, path, allow) => {
    const a = await h.http(method, path, { project: freshProject() });
    expect(a.headers.get('allow')).toBe(allow);
    expect(a.headers.get('content-type')).toMatch(/^application\/json/);
    expect(a.body).toEqual({
      code: 405,
      error: {
        code: 405,
        message: `The method ${method} is not allowed for this resource.`,
        type: 'HTTPMethodNotAllowed',
      },
      explanation:
        'The server could not comply with the request since\r\nit is either malformed or otherwise incorrect.\r\n',
      title: 'Method Not Allowed',
    });
    expect(versionHeaders(a)).toEqual({ version: null, vary: null });
  });

  it('answers a method a path has after a 405 on it (the table of methods is not a cache of misses)', async () => {
    expect((await h.http('PUT', '/v1/events/x', { project: freshProject() })).status).toBe(405);
    expectFault(await h.http('GET', '/v1/events/x', { project: freshProject() }), 404, 'ResourceNotFound');
  });

  it('refuses a path that is not valid percent-encoding with a 400 fault, not the router’s text', async () => {
    const a = await raw('GET', '/v1/clusters/%E0%A4%A', { 'x-project-id': freshProject() });
    expect(a.headers.get('content-type')).toMatch(/^application\/json/);
    expectFault(a, 400, 'HTTPBadRequest', /^Failed to decode param /);
  });
});

describe('errors below the routes', () => {
  it.each([
    ['an unknown charset', { 'content-type': 'application/json; charset=klingon' }, '{}'],
    ['an unknown content encoding', { 'content-type': 'application/json', 'content-encoding': 'bogus' }, '{}'],
    ['a gzip body that is not gzip', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, 'not gzip'],
  ])('a body with %s is a 400 fault', async (_what, headers, body) => {
    const a = await raw('POST', '/v1/profiles', { 'x-project-id': freshProject(), ...headers }, body);
    expect(a.headers.get('content-type')).toMatch(/^application\/json/);
    expectFault(a, 400, 'HTTPBadRequest');
    expect(a.headers.get('x-openstack-request-id')).toMatch(REQUEST_ID);
  });
});

describe('who is asking', () => {
  interface ProfileView {
    id: string;
    user: string;
    project: string;
    domain: string | null;
  }

  it('takes the project, user and domain from the headers Keystone’s middleware sets', async () => {
    const project = freshProject();
    const a = await h.http<{ profile: ProfileView }>('POST', '/v1/profiles', {
      project,
      headers: { 'x-user-id': 'alice', 'x-project-domain-id': 'dom-1' },
      body: { profile: { name: 'mine', spec: SPEC } },
    });
    expect(a.status).toBe(201);
    expect(a.body.profile).toMatchObject({ user: 'alice', project, domain: 'dom-1' });
    const shown = await h.http<{ profile: ProfileView }>('GET', `/v1/profiles/${a.body.profile.id}`, { project });
    expect(shown.body.profile.id).toBe(a.body.profile.id);
  });

  it('puts requests without identity headers in the configured default project', async () => {
    const a = await h.http<{ profile: ProfileView }>('POST', '/v1/profiles', {
      body: { profile: { name: 'anon', spec: SPEC } },
    });
    expect(a.body.profile).toMatchObject({ user: 'grove-user', project: 'grove-default', domain: null });
    const listed = await h.http<{ profiles: ProfileView[] }>('GET', '/v1/profiles', { project: 'grove-default' });
    expect(listed.body.profiles.map((p) => p.id)).toContain(a.body.profile.id);
  });

  it('makes a caller with the admin role (in any case, among others) an admin', async () => {
    expect((await h.http('GET', '/v1/services', { roles: 'member, Admin' })).status).toBe(200);
    expectFault(
      await h.http('GET', '/v1/services', { roles: 'member,reader' }),
      403,
      'Forbidden',
      'You are not authorized to complete this operation.',
    );
  });
});
