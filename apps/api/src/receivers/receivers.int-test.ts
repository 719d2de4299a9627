import { freshProject, make } from '@grove/testing';
import { useGrove } from '../testing/grove-harness';
import { expectFault } from '../testing/senlin-answers';

/** `/v1/receivers` with Senlin's rules and messages (tempest's api/receivers), on the in-process bus. */
const h = useGrove();
const ds = () => h.grove.dataSource;
const FAKE = 'e281873f-0dff-4be6-8795-f781efe7cc14';

interface ReceiverView {
  id: string;
  name: string;
  type: string;
  cluster_id: string | null;
  action: string | null;
  params: Record<string, unknown>;
  actor: Record<string, unknown>;
  channel: Record<string, unknown>;
  user: string;
  project: string;
  signed?: boolean;
  updated_at: string | null;
}

/** A project with a cluster its user `u1` owns. */
async function world() {
  const project = freshProject();
  const cluster = await make.cluster(ds(), { project, userId: 'u1' });
  return { project, cluster };
}

const asOwner = { 'x-user-id': 'u1' };

function create(project: string, receiver: unknown, o: { version?: string; headers?: Record<string, string> } = {}) {
  return h.http<{ receiver: ReceiverView }>('POST', '/v1/receivers', {
    project,
    body: receiver === undefined ? undefined : { receiver },
    version: o.version,
    headers: { ...asOwner, ...o.headers },
  });
}

function webhook(clusterId: string, extra: Record<string, unknown> = {}) {
  return {
    name: 'r1',
    type: 'webhook',
    cluster_id: clusterId,
    action: 'CLUSTER_SCALE_IN',
    params: { count: 5 },
    ...extra,
  };
}

const KEYS = [
  'action',
  'actor',
  'channel',
  'cluster_id',
  'created_at',
  'domain',
  'id',
  'name',
  'params',
  'project',
  'type',
  'updated_at',
  'user',
];

describe('POST /v1/receivers', () => {
  it("makes a webhook whose alarm_url is Senlin's, reachable at the address the request came to", async () => {
    const { project, cluster } = await world();
    const a = await create(project, webhook(cluster.name));
    expect(a.status).toBe(201);
    const r = a.body.receiver;
    expect(Object.keys(r).sort()).toEqual(KEYS);
    expect(r).toMatchObject({
      name: 'r1',
      type: 'webhook',
      cluster_id: cluster.id,
      action: 'CLUSTER_SCALE_IN',
      params: { count: 5 },
      actor: {},
      user: 'u1',
      project,
    });
    expect(r.channel).toEqual({ alarm_url: `${h.url}/v1/webhooks/${r.id}/trigger?V=2&count=5` });
  });

  it('puts the params in the URL sorted by key and encoded as Python does, and V=2 alone without params', async () => {
    const { project, cluster } = await world();
    const params = { b: 'x y&z', a: 1, c: true, d: null };
    const r = (await create(project, webhook(cluster.id, { params }))).body.receiver;
    expect(r.channel.alarm_url).toBe(`${h.url}/v1/webhooks/${r.id}/trigger?V=2&a=1&b=x+y%26z&c=True&d=None`);
    const bare = (await create(project, webhook(cluster.id, { params: undefined }))).body.receiver;
    expect(bare.params).toEqual({});
    expect(bare.channel.alarm_url).toBe(`${h.url}/v1/webhooks/${bare.id}/trigger?V=2`);
  });

  it('shows `signed` from 1.15 only, and never the secret', async () => {
    const { project, cluster } = await world();
    const signed = await create(project, webhook(cluster.id, { secret: 's3cret-s3cret-s3cret' }), { version: '1.15' });
    expect(signed.status).toBe(201);
    expect(signed.body.receiver.signed).toBe(true);
    expect(JSON.stringify(signed.body)).not.toContain('s3cret');
    const plain = await create(project, webhook(cluster.id), { version: '1.15' });
    expect(plain.body.receiver.signed).toBe(false);
    const old = await h.http<{ receiver: ReceiverView }>('GET', `/v1/receivers/${signed.body.receiver.id}`, {
      project,
      version: '1.14',
    });
    expect(old.body.receiver).not.toHaveProperty('signed');
    expect(JSON.stringify(old.body)).not.toContain('s3cret');
  });

  it.each([
    ['no receiver key', { receive: { name: 'r' } }, 'HTTPBadRequest', "Request body missing 'receiver' key."],
    [
      'an unknown type',
      { receiver: { name: 'r', type: 'bogus' } },
      'HTTPBadRequest',
      "Value 'bogus' is not acceptable for field 'type'.",
    ],
    ['no name', { receiver: { type: 'webhook' } }, 'HTTPBadRequest', "'name' is a required property"],
    ['no type', { receiver: { name: 'r' } }, 'HTTPBadRequest', "'type' is a required property"],
    [
      'a name too long',
      { receiver: { name: 'z'.repeat(256), type: 'webhook' } },
      'HTTPBadRequest',
      'The value for the name field must be less than 255 characters long.',
    ],
    [
      'an unknown action',
      { receiver: { name: 'r', type: 'webhook', cluster_id: 'c', action: 'ILLEGAL_ACTION' } },
      'HTTPBadRequest',
      "Value 'ILLEGAL_ACTION' is not acceptable for field 'action'.",
    ],
    [
      'an unknown key',
      { receiver: { name: 'r', type: 'webhook', bogus: 1 } },
      'HTTPBadRequest',
      "Additional properties are not allowed ('bogus' was unexpected)",
    ],
    [
      'params that are not a map',
      { receiver: { name: 'r', type: 'webhook', params: [1] } },
      'HTTPBadRequest',
      "[1] is not of type 'object', 'null'",
    ],
    [
      'params that are not JSON',
      { receiver: { name: 'r', type: 'webhook', params: 'count=1' } },
      'HTTPBadRequest',
      'The value (count=1) is not a valid JSON.',
    ],
    [
      'a webhook without a cluster',
      { receiver: { name: 'r', type: 'webhook', action: 'CLUSTER_SCALE_OUT' } },
      'BadRequest',
      'Cluster identity is required for creating webhook receiver.',
    ],
    [
      'a webhook without an action',
      { receiver: { name: 'r', type: 'webhook', cluster_id: FAKE } },
      'BadRequest',
      'Action name is required for creating webhook receiver.',
    ],
    [
      'a webhook that would create a cluster',
      { receiver: { name: 'r', type: 'webhook', cluster_id: FAKE, action: 'CLUSTER_CREATE' } },
      'BadRequest',
      "Action name cannot be any of ['CLUSTER_CREATE'].",
    ],
    [
      'a webhook for a cluster that does not exist',
      { receiver: { name: 'r', type: 'webhook', cluster_id: FAKE, action: 'CLUSTER_SCALE_IN' } },
      'BadRequest',
      `The referenced cluster '${FAKE}' could not be found.`,
    ],
  ])('refuses %s', async (_what, body, type, message) => {
    const a = await h.http('POST', '/v1/receivers', { project: freshProject(), body, headers: asOwner });
    expectFault(a, 400, type, message);
  });

  it("takes params given as JSON text, as Senlin's JsonField does", async () => {
    const { project, cluster } = await world();
    const r = await create(project, webhook(cluster.id, { params: '{"count": 2}' }));
    expect(r.body.receiver.params).toEqual({ count: 2 });
  });

  it("refuses another user's cluster unless the caller is an admin, and another project's as not found", async () => {
    const { project, cluster } = await world();
    expectFault(
      await create(project, webhook(cluster.id), { headers: { 'x-user-id': 'someone-else' } }),
      403,
      'Forbidden',
      'You are not authorized to complete this operation.',
    );
    const admin = await h.http('POST', '/v1/receivers', {
      project,
      roles: 'admin',
      body: { receiver: webhook(cluster.id) },
      headers: { 'x-user-id': 'the-admin' },
    });
    expect(admin.status).toBe(201);
    expectFault(
      await create(freshProject(), webhook(cluster.id)),
      400,
      'BadRequest',
      `The referenced cluster '${cluster.id}' could not be found.`,
    );
  });

  it('refuses an ambiguous cluster name', async () => {
    const { project } = await world();
    await make.cluster(ds(), { project, name: 'twin' });
    await make.cluster(ds(), { project, name: 'twin' });
    expectFault(
      await create(project, webhook('twin')),
      400,
      'BadRequest',
      "Multiple results found matching the query criteria 'twin'. Please be more specific.",
    );
  });

  it('takes a secret only from 1.15, of at least 16 characters, and only for webhooks', async () => {
    const { project, cluster } = await world();
    expectFault(
      await create(project, webhook(cluster.id, { secret: 'long-enough-secret' }), { version: '1.14' }),
      400,
      'HTTPBadRequest',
      "Additional properties are not allowed ('secret' was unexpected)",
    );
    expectFault(
      await create(project, webhook(cluster.id, { secret: 'short' }), { version: '1.15' }),
      400,
      'BadRequest',
      'The secret of a signed webhook must be at least 16 characters long.',
    );
    expectFault(
      await create(project, webhook(cluster.id, { secret: 1234 }), { version: '1.15' }),
      400,
      'HTTPBadRequest',
      "1234 is not of type 'string'",
    );
    expectFault(
      await create(project, { name: 'm', type: 'message', secret: 'long-enough-secret' }, { version: '1.15' }),
      400,
      'BadRequest',
      'Only webhook receivers can be signed.',
    );
  });

  it('refuses a message receiver on the in-process bus, saying how to get one', async () => {
    const a = await create(freshProject(), { name: 'm', type: 'message' });
    expectFault(a, 400, 'BadRequest', /Message receivers need RabbitMQ.*AMQP_URL is not set.*Set AMQP_URL/);
  });
});

describe('GET /v1/receivers', () => {
  const list = (project: string, query = '', o: { version?: string; roles?: string } = {}) =>
    h.http<{ receivers: ReceiverView[] }>('GET', `/v1/receivers${query}`, { project, ...o });

  it('lists the project’s receivers with every key, filtered and sorted as asked', async () => {
    const { project, cluster } = await world();
    const other = await make.cluster(ds(), { project, userId: 'u1' });
    const a = (await create(project, webhook(cluster.id, { name: 'a', action: 'CLUSTER_RESIZE' }))).body.receiver;
    const b = (await create(project, webhook(other.id, { name: 'b' }))).body.receiver;
    const c = (await create(project, webhook(cluster.id, { name: 'c' }))).body.receiver;
    const all = await list(project);
    expect(all.status).toBe(200);
    expect(all.body.receivers.map((r) => r.name)).toEqual(['a', 'b', 'c']);
    for (const r of all.body.receivers) expect(Object.keys(r).sort()).toEqual(KEYS);
    expect((await list(project, `?cluster_id=${cluster.id}`)).body.receivers.map((r) => r.id)).toEqual([a.id, c.id]);
    expect((await list(project, '?action=CLUSTER_RESIZE')).body.receivers.map((r) => r.id)).toEqual([a.id]);
    expect((await list(project, '?name=b&name=c')).body.receivers.map((r) => r.id)).toEqual([b.id, c.id]);
    expect((await list(project, '?type=message')).body.receivers).toEqual([]);
    expect((await list(project, '?sort=name:desc&limit=2')).body.receivers.map((r) => r.name)).toEqual(['c', 'b']);
    expect((await list(project, `?marker=${a.id}&limit=1`)).body.receivers.map((r) => r.name)).toEqual(['b']);
    expect((await list(freshProject())).body.receivers).toEqual([]);
  });

  it('filters by user from 1.4, and ignores that filter before, as Senlin does', async () => {
    const { project, cluster } = await world();
    await create(project, webhook(cluster.id, { name: 'mine' }));
    await h.http('POST', '/v1/receivers', {
      project,
      roles: 'admin',
      headers: { 'x-user-id': 'boss' },
      body: { receiver: webhook(cluster.id, { name: 'bosses' }) },
    });
    expect((await list(project, '?user=boss', { version: '1.4' })).body.receivers.map((r) => r.name)).toEqual([
      'bosses',
    ]);
    expect((await list(project, '?user=boss')).body.receivers.map((r) => r.name)).toEqual(['bosses', 'mine']);
    expect((await list(project, '?sort=user', { version: '1.4' })).body.receivers.map((r) => r.user)).toEqual([
      'boss',
      'u1',
    ]);
  });

  it.each([
    ['?bogus=foo', 400, 'HTTPBadRequest', 'Invalid parameter bogus'],
    ['?limit=not-int', 400, 'HTTPBadRequest', "The value for limit must be an integer: 'not-int'."],
    ['?global_project=not-bool', 400, 'HTTPBadRequest', "Invalid value 'not-bool' specified for 'global_project'"],
    ['?sort=bad-sort', 400, 'HTTPBadRequest', "Unsupported sort key 'bad-sort' for 'sort'."],
    ['?marker=bad-marker', 400, 'HTTPBadRequest', "The value for marker is not a valid UUID: 'bad-marker'."],
    ['?type=bogus', 400, 'HTTPBadRequest', 'Field value bogus is invalid'],
    ['?action=BOGUS', 400, 'HTTPBadRequest', 'Field value BOGUS is invalid'],
    ['?global_project=True', 403, 'Forbidden', 'You are not authorized to complete this operation.'],
  ])('refuses %s', async (query, status, type, message) => {
    expectFault(await list(freshProject(), query), status, type, message);
  });

  it('shows every project’s receivers to an admin asking with global_project', async () => {
    const { project, cluster } = await world();
    const r = (await create(project, webhook(cluster.id))).body.receiver;
    const seen = await list(freshProject(), '?global_project=true', { roles: 'admin' });
    expect(seen.body.receivers.map((x) => x.id)).toContain(r.id);
  });
});

describe('GET, PATCH and DELETE /v1/receivers/{id}', () => {
  it('finds a receiver by id, name and short id, in its own project only', async () => {
    const { project, cluster } = await world();
    const r = (await create(project, webhook(cluster.id, { name: 'findme' }))).body.receiver;
    for (const ident of [r.id, 'findme', r.id.slice(0, 8)]) {
      const a = await h.http<{ receiver: ReceiverView }>('GET', `/v1/receivers/${ident}`, { project });
      expect(a.status).toBe(200);
      expect(a.body.receiver.id).toBe(r.id);
    }
    const stranger = freshProject();
    for (const a of [
      await h.http('GET', `/v1/receivers/${r.id}`, { project: stranger }),
      await h.http('PATCH', `/v1/receivers/${r.id}`, { project: stranger, body: { receiver: { name: 'x' } } }),
      await h.http('DELETE', `/v1/receivers/${r.id}`, { project: stranger }),
      await h.http('POST', `/v1/receivers/${r.id}/notify`, { project: stranger }),
    ]) {
      expectFault(a, 404, 'ResourceNotFound', `The receiver '${r.id}' could not be found.`);
    }
  });

  it('answers 404 for an unknown receiver and 400 for an ambiguous name', async () => {
    const { project, cluster } = await world();
    expectFault(
      await h.http('GET', `/v1/receivers/${FAKE}`, { project }),
      404,
      'ResourceNotFound',
      `The receiver '${FAKE}' could not be found.`,
    );
    await create(project, webhook(cluster.id, { name: 'r-01' }));
    await create(project, webhook(cluster.id, { name: 'r-01' }));
    for (const method of ['GET', 'DELETE']) {
      expectFault(
        await h.http(method, '/v1/receivers/r-01', { project }),
        400,
        'MultipleChoices',
        "Multiple results found matching the query criteria 'r-01'. Please be more specific.",
      );
    }
  });

  it('updates name, action and params, and the alarm_url follows the params', async () => {
    const { project, cluster } = await world();
    const r = (await create(project, webhook(cluster.id))).body.receiver;
    const a = await h.http<{ receiver: ReceiverView }>('PATCH', `/v1/receivers/${r.id}`, {
      project,
      body: { receiver: { name: 'update-receiver-name', action: 'CLUSTER_SCALE_OUT', params: { count: '2' } } },
    });
    expect(a.status).toBe(200);
    expect(a.body.receiver).toMatchObject({
      name: 'update-receiver-name',
      action: 'CLUSTER_SCALE_OUT',
      params: { count: '2' },
      channel: { alarm_url: `${h.url}/v1/webhooks/${r.id}/trigger?V=2&count=2` },
    });
    expect(a.body.receiver.updated_at).toEqual(expect.any(String));
    const shown = await h.http<{ receiver: ReceiverView }>('GET', `/v1/receivers/${r.id}`, { project });
    expect(shown.body.receiver).toMatchObject({ name: 'update-receiver-name', params: { count: '2' } });
  });

  it.each([
    ['nothing that changes', { receiver: { name: 'r1' } }, 'BadRequest', 'No property needs an update.'],
    ['an empty receiver', { receiver: {} }, 'BadRequest', 'No property needs an update.'],
    [
      'a cluster create',
      { receiver: { action: 'CLUSTER_CREATE' } },
      'BadRequest',
      "Action name cannot be any of ['CLUSTER_CREATE'].",
    ],
    [
      'an unknown action',
      { receiver: { action: 'BOGUS' } },
      'HTTPBadRequest',
      "Value 'BOGUS' is not acceptable for field 'action'.",
    ],
    [
      'a type',
      { receiver: { type: 'message' } },
      'HTTPBadRequest',
      "Additional properties are not allowed ('type' was unexpected)",
    ],
  ])('refuses an update with %s', async (_what, body, type, message) => {
    const { project, cluster } = await world();
    const r = (await create(project, webhook(cluster.id))).body.receiver;
    expectFault(await h.http('PATCH', `/v1/receivers/${r.id}`, { project, body }), 400, type, message);
  });

  it('refuses an update without its envelope before looking for the receiver', async () => {
    expectFault(
      await h.http('PATCH', `/v1/receivers/${FAKE}`, { project: freshProject(), body: {} }),
      400,
      'HTTPBadRequest',
      "Malformed request data, missing 'receiver' key in request body.",
    );
    expectFault(
      await h.http('PATCH', `/v1/receivers/${FAKE}`, { project: freshProject(), body: { receiver: { name: 'x' } } }),
      404,
      'ResourceNotFound',
    );
  });

  it('deletes a receiver: 204 with no body, then it is gone', async () => {
    const { project, cluster } = await world();
    const r = (await create(project, webhook(cluster.id))).body.receiver;
    const a = await h.http('DELETE', `/v1/receivers/${r.id}`, { project });
    expect(a.status).toBe(204);
    expect(a.body).toBeNull();
    expectFault(await h.http('GET', `/v1/receivers/${r.id}`, { project }), 404, 'ResourceNotFound');
  });

  it("refuses to notify a webhook receiver, and another user's receiver", async () => {
    const { project, cluster } = await world();
    const r = (await create(project, webhook(cluster.id))).body.receiver;
    expectFault(
      await h.http('POST', `/v1/receivers/${r.id}/notify`, { project, headers: asOwner }),
      400,
      'BadRequest',
      'Notifying non-message receiver is not allowed.',
    );
    expectFault(
      await h.http('POST', `/v1/receivers/${r.id}/notify`, { project, headers: { 'x-user-id': 'other' } }),
      403,
      'Forbidden',
    );
  });
});
