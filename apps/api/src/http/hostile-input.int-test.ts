import { freshProject, make } from '@grove/testing';
import { actionOf, useGrove, type HttpAnswer } from '../testing/grove-harness';
import { expectFault } from '../testing/senlin-answers';

/** Inputs that reached Postgres or a recursive walk and came back as 500s: each is a 400, with nothing written. */
const h = useGrove({ MAX_LIST_LIMIT: '5' });

const SPEC = {
  type: 'os.nova.server',
  version: '1.0',
  properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk' },
};

const TABLES = ['profile', 'cluster', 'node', 'action', 'policy', 'receiver', 'event'];

/** Rows of every table a request could write. */
async function rowCounts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) {
    const [{ n }] = (await h.grove.dataSource.query(`SELECT count(*)::int AS n FROM ${t}`)) as { n: number }[];
    out[t] = n;
  }
  return out;
}

/** Sends the request and asserts a 400 in Senlin's format that wrote nothing. */
async function expectRefused(send: () => Promise<HttpAnswer<unknown>>, message?: string | RegExp) {
  const before = await rowCounts();
  const a = await send();
  expectFault(a, 400, (a.body as { error?: { type?: string } })?.error?.type ?? '?', message);
  expect(await rowCounts()).toEqual(before);
  return a;
}

/** A raw JSON text body, so that escapes such as `\u0000` and `\ud800` reach the server as written. */
const post = (path: string, json: string, project = freshProject(), headers: Record<string, string> = {}) =>
  h.http('POST', path, { project, body: json, headers });

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('bodies nested too deep', () => {
  it.each([
    ['a profile spec', (d: string) => `{"profile": {"name": "p", "spec": ${d}}}`, '/v1/profiles'],
    [
      'cluster metadata',
      (d: string) => `{"cluster": {"name": "c", "profile_id": "x", "metadata": {"k": ${d}}}}`,
      '/v1/clusters',
    ],
    ['a bare body', (d: string) => d, '/v1/clusters'],
  ])('refuses 10,000 levels in %s with a 400', async (_what, body, path) => {
    await expectRefused(() => post(path, body(nested(10_000))), 'The JSON body is nested deeper than 100 levels.');
  });

  it('takes metadata nested 90 levels deep', async () => {
    const project = freshProject();
    const a = await post(
      '/v1/profiles',
      JSON.stringify({ profile: { name: 'deep', spec: SPEC, metadata: { k: JSON.parse(nested(90)) } } }),
      project,
    );
    expect(a.status).toBe(201);
  });
});

describe('NUL characters and lone surrogates', () => {
  const BAD = [
    ['a NUL', '\\u0000'],
    ['a lone high surrogate', '\\ud800'],
    ['a lone low surrogate', '\\udc00'],
  ];

  it.each(BAD)('refuses %s in a profile name, metadata value and key, and spec', async (_what, esc) => {
    const bodies = [
      `{"profile": {"name": "a${esc}b", "spec": ${JSON.stringify(SPEC)}}}`,
      `{"profile": {"name": "p", "spec": ${JSON.stringify(SPEC)}, "metadata": {"k": "v${esc}"}}}`,
      `{"profile": {"name": "p", "spec": ${JSON.stringify(SPEC)}, "metadata": {"k${esc}": "v"}}}`,
      `{"profile": {"name": "p", "spec": {"type": "os.nova.server", "version": "1.0", "properties": {"flavor": "m1${esc}", "image": "x"}}}}`,
    ];
    for (const body of bodies)
      await expectRefused(
        () => post('/v1/profiles', body),
        /^The request body has a NUL character or an unpaired surrogate in '/,
      );
  });

  it.each(BAD)('refuses %s in an id inside a body', async (_what, esc) => {
    const project = freshProject();
    const p = await make.profile(h.grove.dataSource, { project });
    await expectRefused(
      () => post('/v1/clusters', `{"cluster": {"name": "c", "profile_id": "${p.id}${esc}"}}`, project),
      "The request body has a NUL character or an unpaired surrogate in 'cluster.profile_id'.",
    );
    await expectRefused(() =>
      post('/v1/nodes', `{"node": {"name": "n", "profile_id": "${p.id}", "cluster_id": "x${esc}"}}`, project),
    );
  });

  it.each([
    ['a NUL', '%00'],
    ['a NUL after a name', 'web%00'],
  ])('refuses %s in a path id', async (_what, id) => {
    for (const path of [
      `/v1/clusters/${id}`,
      `/v1/nodes/${id}`,
      `/v1/profiles/${id}`,
      `/v1/actions/${id}`,
      `/v1/events/${id}`,
    ]) {
      await expectRefused(
        () => h.http('GET', path, { project: freshProject() }),
        'The request path has a NUL character or an unpaired surrogate.',
      );
    }
    await expectRefused(() => h.http('DELETE', `/v1/clusters/${id}`, { project: freshProject() }));
    await expectRefused(() =>
      h.http('PATCH', `/v1/clusters/${id}`, { project: freshProject(), body: { cluster: { name: 'x' } } }),
    );
  });

  it.each(['name', 'type', 'status', 'cluster_id', 'action', 'target', 'oid'])(
    'refuses a NUL in the list filter %s',
    async (filter) => {
      const lists = {
        name: 'clusters',
        type: 'profiles',
        status: 'nodes',
        cluster_id: 'events',
        action: 'actions',
        target: 'actions',
        oid: 'events',
      } as const;
      await expectRefused(
        () => h.http('GET', `/v1/${lists[filter as keyof typeof lists]}?${filter}=a%00b`, { project: freshProject() }),
        `The value for '${filter}' has a NUL character or an unpaired surrogate.`,
      );
    },
  );

  it('refuses a raw lone surrogate (bytes that are no UTF-8) in a body', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"profile": {"name": "p'),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from(`", "spec": ${JSON.stringify(SPEC)}}}`),
    ]);
    await expectRefused(async () => {
      const res = await fetch(`${h.url}/v1/profiles`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-project-id': freshProject() },
        body: bytes,
      });
      return { status: res.status, headers: res.headers, body: await res.json() };
    }, 'Malformed JSON in the request body: the body is not valid UTF-8');
  });

  it('still takes a surrogate pair (an emoji) in metadata', async () => {
    const a = await post(
      '/v1/profiles',
      `{"profile": {"name": "p", "spec": ${JSON.stringify(SPEC)}, "metadata": {"k": "\\ud83c\\udf32"}}}`,
    );
    expect(a.status).toBe(201);
    expect((a.body as { profile: { metadata: object } }).profile.metadata).toEqual({ k: '🌲' });
  });
});

describe('numbers beyond a column', () => {
  it('cuts a huge limit to the maximum page', async () => {
    const project = freshProject();
    for (let i = 0; i < 7; i++) await make.profile(h.grove.dataSource, { project, name: `p${i}` });
    const huge = await h.http<{ profiles: unknown[] }>('GET', '/v1/profiles?limit=9223372036854775807', { project });
    expect(huge.status).toBe(200);
    expect(huge.body.profiles).toHaveLength(5);
    const none = await h.http<{ profiles: unknown[] }>('GET', '/v1/profiles', { project });
    expect(none.body.profiles).toHaveLength(5);
    const two = await h.http<{ profiles: unknown[] }>('GET', '/v1/profiles?limit=2', { project });
    expect(two.body.profiles).toHaveLength(2);
  });

  it.each([2147483648, 3_000_000, '99999999999999999999'])(
    'refuses a cluster timeout of %p on create',
    async (timeout) => {
      const project = freshProject();
      const p = await make.profile(h.grove.dataSource, { project });
      await expectRefused(
        () => h.http('POST', '/v1/clusters', { project, body: { cluster: { name: 'c', profile_id: p.id, timeout } } }),
        'The value for the timeout field must be less than or equal to 2147483.',
      );
    },
  );

  it('refuses such a timeout in a PATCH, before any action', async () => {
    const project = freshProject();
    const c = await make.cluster(h.grove.dataSource, { project });
    await expectRefused(
      () => h.http('PATCH', `/v1/clusters/${c.id}`, { project, body: { cluster: { timeout: 2147483648 } } }),
      'The value for the timeout field must be less than or equal to 2147483.',
    );
  });

  it('takes the longest timeout a timer can hold', async () => {
    const project = freshProject();
    const p = await make.profile(h.grove.dataSource, { project });
    const a = await h.http<{ cluster: { timeout: number } }>('POST', '/v1/clusters', {
      project,
      body: { cluster: { name: 'c', profile_id: p.id, timeout: 2147483 } },
    });
    expect(a.status).toBe(202);
    expect(a.body.cluster.timeout).toBe(2147483);
    // Done before the next test counts rows, and not timed out at once.
    expect((await h.waitForAction(actionOf(a), { project })).status).toBe('SUCCEEDED');
  });

  it.each(['desired_capacity', 'max_size', 'min_size'])('refuses a %s beyond an int', async (field) => {
    const project = freshProject();
    const p = await make.profile(h.grove.dataSource, { project });
    await expectRefused(
      () =>
        h.http('POST', '/v1/clusters', {
          project,
          body: { cluster: { name: 'c', profile_id: p.id, [field]: 2 ** 31 } },
        }),
      `The value for the ${field} field must be less than or equal to 2147483647.`,
    );
  });
});

describe('strings beyond a column', () => {
  const long = 'x'.repeat(65);

  it.each(['X-Project-Id', 'X-User-Id', 'X-Project-Domain-Id'])('refuses a %s over 64 characters', async (name) => {
    const headers: Record<string, string> = { [name]: long };
    if (name !== 'X-Project-Id') headers['X-Project-Id'] = freshProject();
    await expectRefused(
      () => h.http('POST', '/v1/profiles', { headers, body: { profile: { name: 'p', spec: SPEC } } }),
      `The ${name} header must be at most 64 characters long.`,
    );
  });

  it('takes identity headers of 64 characters', async () => {
    const id = 'y'.repeat(64);
    const a = await h.http('POST', '/v1/profiles', {
      headers: { 'X-Project-Id': id, 'X-User-Id': id, 'X-Project-Domain-Id': id },
      body: { profile: { name: 'p', spec: SPEC } },
    });
    expect(a.status).toBe(201);
  });

  it('refuses a node role over 64 characters, in a create and in a PATCH', async () => {
    const project = freshProject();
    const p = await make.profile(h.grove.dataSource, { project });
    await expectRefused(
      () => h.http('POST', '/v1/nodes', { project, body: { node: { name: 'n', profile_id: p.id, role: long } } }),
      'The value for the role field must be less than 64 characters long.',
    );
    const n = await make.node(h.grove.dataSource, { project, profileId: p.id });
    await expectRefused(
      () => h.http('PATCH', `/v1/nodes/${n.id}`, { project, body: { node: { role: long } } }),
      'The value for the role field must be less than 64 characters long.',
    );
  });
});

describe('booleans, as Senlin reads them', () => {
  it.each([
    [
      [1],
      "Unrecognized value '[1]', acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'",
    ],
    ['yes', "'yes' is not of type 'boolean', 'null'"],
    [1, "1 is not of type 'boolean', 'null'"],
  ])('refuses profile_only %p in a cluster update', async (value, message) => {
    const project = freshProject();
    const c = await make.cluster(h.grove.dataSource, { project });
    await expectRefused(
      () =>
        h.http('PATCH', `/v1/clusters/${c.id}`, {
          project,
          version: '1.6',
          body: { cluster: { profile_only: value } },
        }),
      message,
    );
  });

  it.each([
    [[1], /^Unrecognized value '\[1\]'/],
    ['true', "'true' is not of type 'boolean', 'null'"],
  ])('refuses strict %p in a resize', async (value, message) => {
    const project = freshProject();
    const c = await make.cluster(h.grove.dataSource, { project });
    await expectRefused(
      () =>
        h.http('POST', `/v1/clusters/${c.id}/actions`, { project, body: { resize: { min_size: 0, strict: value } } }),
      message,
    );
  });

  it('refuses a node delete force of [true], as parse_bool_param does', async () => {
    const project = freshProject();
    const n = await make.node(h.grove.dataSource, { project });
    await expectRefused(
      () => h.http('DELETE', `/v1/nodes/${n.id}`, { project, version: '1.8', body: { force: [true] } }),
      "Invalid value '[True]' specified for 'force'",
    );
  });
});

describe('profile specs the cloud check chokes on', () => {
  const create = (properties: Record<string, unknown>) =>
    h.http('POST', '/v1/profiles', {
      project: freshProject(),
      body: { profile: { name: 'p', spec: { type: 'os.nova.server', version: '1.0', properties } } },
    });

  it('refuses an empty flavor as a flavor that does not exist', async () => {
    await expectRefused(
      () => create({ flavor: '', image: 'cirros-0.6.2-x86_64-disk' }),
      "Failed in creating profile p: The specified flavor '' could not be found.",
    );
  });

  it.each(['image', 'flavor', 'key_name'])(
    'refuses a 100 KB %s as not found, quoting 80 characters of it',
    async (prop) => {
      const props: Record<string, unknown> = {
        flavor: 'm1.tiny',
        image: 'cirros-0.6.2-x86_64-disk',
        [prop]: 'x'.repeat(100_000),
      };
      const a = await expectRefused(
        () => create(props),
        `Failed in creating profile p: The specified ${prop} '${'x'.repeat(80)}…' could not be found.`,
      );
      expect((a.body as { error: { type: string } }).error.type).toBe('InvalidSpec');
    },
  );

  it('refuses a 100 KB network name the same way', async () => {
    await expectRefused(
      () =>
        create({ flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk', networks: [{ network: 'n'.repeat(100_000) }] }),
      /^Failed in creating profile p: The specified network 'n{80}…' could not be found\.$/,
    );
  });

  it('refuses a policy whose 100 KB subnet the cloud will not look up, without quoting it', async () => {
    const spec = {
      type: 'senlin.policy.loadbalance',
      version: '1.1',
      properties: { pool: { subnet: 's'.repeat(100_000) }, vip: { subnet: 's'.repeat(100_000) } },
    };
    const a = await expectRefused(
      () => h.http('POST', '/v1/policies', { project: freshProject(), body: { policy: { name: 'p', spec } } }),
      /^The policy spec has a value the cloud refuses: /,
    );
    expect(JSON.stringify(a.body).length).toBeLessThan(1000);
  });

  it('refuses a heat template_url of 100 KB without quoting it whole', async () => {
    const spec = {
      type: 'os.heat.stack',
      version: '1.0',
      properties: { template_url: `http://127.0.0.1:1/${'a'.repeat(100_000)}` },
    };
    const a = await expectRefused(() =>
      h.http('POST', '/v1/profiles', { project: freshProject(), body: { profile: { name: 'p', spec } } }),
    );
    expect(JSON.stringify(a.body).length).toBeLessThan(3000);
  });
});
