import type { NodeEntity, ProfileEntity } from '@grove/db';
import { freshProject, make } from '@grove/testing';
import { useGrove, type HttpAnswer } from '../testing/grove-harness';
import { expectAccepted, expectFault } from '../testing/senlin-answers';

const h = useGrove();
const ds = () => h.grove.dataSource;

interface World {
  project: string;
  profile: ProfileEntity;
}

async function world(): Promise<World> {
  const project = freshProject();
  return { project, profile: await make.profile(ds(), { project }) };
}

const orphan = (w: World, o: Partial<NodeEntity> = {}) =>
  make.node(ds(), { project: w.project, profileId: w.profile.id, ...o });

async function actionOf(project: string, id: string): Promise<Record<string, unknown>> {
  const { body } = await h.http<{ action: Record<string, unknown> }>('GET', `/v1/actions/${id}`, { project });
  return body.action;
}

/** A request that must be accepted: returns the action it made. */
async function accepted(
  project: string,
  a: HttpAnswer<unknown>,
  o: { actionBody?: boolean } = {},
): Promise<Record<string, unknown>> {
  return actionOf(project, expectAccepted(a, o));
}

describe('every node endpoint', () => {
  it("answers 404 for another project's node", async () => {
    const n = await orphan(await world());
    const other = freshProject();
    const answers = [
      await h.http('PATCH', `/v1/nodes/${n.id}`, { project: other, body: { node: { name: 'x' } } }),
      await h.http('DELETE', `/v1/nodes/${n.id}`, { project: other }),
      await h.http('POST', `/v1/nodes/${n.id}/actions`, { project: other, body: { check: {} } }),
      await h.http('POST', `/v1/nodes/${n.id}/ops`, { project: other, body: { reboot: {} }, version: '1.4' }),
    ];
    for (const a of answers) expectFault(a, 404, 'ResourceNotFound', `The node '${n.id}' could not be found.`);
  });

  it('refuses malformed JSON with a 400 in Senlin’s body', async () => {
    for (const [method, path] of [
      ['POST', '/v1/nodes'],
      ['PATCH', '/v1/nodes/x'],
      ['POST', '/v1/nodes/x/actions'],
    ]) {
      const a = await h.http(method, path, { body: '{"node": ', headers: { 'content-type': 'application/json' } });
      expectFault(a, 400, 'HTTPBadRequest', /^Malformed JSON/);
    }
  });
});

describe('POST /v1/nodes', () => {
  it('records an orphan node in INIT and a NODE_CREATE action for it', async () => {
    const w = await world();
    const a = await h.http<{ node: Record<string, unknown> }>('POST', '/v1/nodes', {
      project: w.project,
      body: { node: { name: 'test-node', profile_id: w.profile.name, role: 'member', metadata: { k1: 'v1' } } },
    });
    const action = await accepted(w.project, a, { actionBody: false });
    expect(a.body.node).toMatchObject({
      name: 'test-node',
      cluster_id: '',
      index: -1,
      role: 'member',
      metadata: { k1: 'v1' },
      profile_id: w.profile.id,
      profile_name: w.profile.name,
      physical_id: null,
      status: 'INIT',
      status_reason: 'Initializing',
      project: w.project,
    });
    expect(a.body.node).not.toHaveProperty('tainted');
    expect(action).toMatchObject({
      action: 'NODE_CREATE',
      target: a.body.node.id,
      inputs: {},
      name: `node_create_${String(a.body.node.id).slice(0, 8)}`,
    });
  });

  it("names a member after its cluster's node.name.format and gives it the next index", async () => {
    const w = await world();
    const cluster = await make.cluster(ds(), {
      project: w.project,
      profileId: w.profile.id,
      nextIndex: 3,
      config: { 'node.name.format': 'N$2I' },
    });
    const a = await h.http<{ node: Record<string, unknown> }>('POST', '/v1/nodes', {
      project: w.project,
      version: '1.13',
      body: { node: { name: 'ignored', profile_id: w.profile.id, cluster_id: cluster.name } },
    });
    const action = await accepted(w.project, a, { actionBody: false });
    expect(a.body.node).toMatchObject({ name: 'N03', index: 3, cluster_id: cluster.id, role: '', tainted: false });
    expect(action).toMatchObject({ action: 'NODE_CREATE', target: a.body.node.id });
    const [row] = await ds().query('SELECT next_index FROM cluster WHERE id = $1', [cluster.id]);
    expect(row.next_index).toBe(4);
  });

  it('takes a profile of the same type as the cluster’s, and refuses another type', async () => {
    const w = await world();
    const cluster = await make.cluster(ds(), { project: w.project, profileId: w.profile.id });
    const sibling = await make.profile(ds(), { project: w.project });
    expectAccepted(
      await h.http('POST', '/v1/nodes', {
        project: w.project,
        body: { node: { name: 'n1', profile_id: sibling.id, cluster_id: cluster.id } },
      }),
      {
        actionBody: false,
      },
    );
    const heat = await make.profile(ds(), { project: w.project, type: 'os.heat.stack-1.0' });
    const a = await h.http('POST', '/v1/nodes', {
      project: w.project,
      body: { node: { name: 'n2', profile_id: heat.id, cluster_id: cluster.id } },
    });
    expectFault(a, 400, 'BadRequest', 'Node and cluster have different profile type, operation aborted.');
  });

  it.each([
    ['no node key', {}, "Request body missing 'node' key."],
    [
      'an unknown field',
      { node: { profile_id: 'p', name: 'fake_name', boo: 'foo' } },
      "Additional properties are not allowed ('boo' was unexpected)",
    ],
    ['no name', { node: { profile_id: 'fake_profile' } }, "'name' is a required property"],
    ['no profile', { node: { name: 'fake' } }, "'profile_id' is a required property"],
    ['a name that is not a string', { node: { name: 12, profile_id: 'p' } }, "12 is not of type 'string'"],
    [
      'metadata that is not a map',
      { node: { name: 'n', profile_id: 'p', metadata: [] } },
      "[] is not of type 'object'",
    ],
  ])('refuses %s', async (_what, body, message) => {
    expectFault(await h.http('POST', '/v1/nodes', { project: freshProject(), body }), 400, 'HTTPBadRequest', message);
  });

  it('refuses profiles and clusters it cannot find, those of other projects included', async () => {
    const w = await world();
    const cluster = await make.cluster(ds(), { project: w.project, profileId: w.profile.id });
    const missing = 'cbe7827a-60ca-42c0-99d2-38167cb4f46d';
    const send = (node: Record<string, unknown>) =>
      h.http('POST', '/v1/nodes', { project: w.project, body: { node: { name: 'test-node', ...node } } });
    expectFault(
      await send({ profile_id: missing, cluster_id: cluster.id }),
      400,
      'BadRequest',
      `The specified profile '${missing}' could not be found.`,
    );
    const foreign = await make.profile(ds(), {});
    expectFault(
      await send({ profile_id: foreign.id }),
      400,
      'BadRequest',
      `The specified profile '${foreign.id}' could not be found.`,
    );
    const noCluster = '960cd427-2487-4c83-b679-1b5e1f9dd985';
    expectFault(
      await send({ profile_id: w.profile.id, cluster_id: noCluster }),
      400,
      'BadRequest',
      `The specified cluster '${noCluster}' could not be found.`,
    );
  });
});

describe('PATCH /v1/nodes/{id}', () => {
  const patch = (project: string, id: string, body: unknown, version?: string) =>
    h.http<{ node: Record<string, unknown> }>('PATCH', `/v1/nodes/${id}`, { project, body, version });

  it('carries only what changes, and answers with the node as it was', async () => {
    const w = await world();
    const n = await orphan(w, { name: 'old', role: 'member', metadata: { a: 1, b: 2 } });
    const a = await patch(w.project, n.id, { node: { name: 'new-name', role: 'member', metadata: { b: 2, a: 1 } } });
    const action = await accepted(w.project, a, { actionBody: false });
    expect(a.body.node).toMatchObject({ id: n.id, name: 'old' });
    expect(action).toMatchObject({
      action: 'NODE_UPDATE',
      target: n.id,
      name: `node_update_${n.id.slice(0, 8)}`,
      inputs: { name: 'new-name' },
    });
  });

  it('rolls a new profile of the same type, role and metadata', async () => {
    const w = await world();
    const n = await orphan(w);
    const next = await make.profile(ds(), { project: w.project });
    const action = await accepted(
      w.project,
      await patch(w.project, n.name, { node: { profile_id: next.name, role: 'db', metadata: { k: 'v' } } }),
      { actionBody: false },
    );
    expect(action.inputs).toEqual({ new_profile_id: next.id, role: 'db', metadata: { k: 'v' } });
  });

  it('takes null for name, role and metadata, as Heat sends them (a null name changes nothing)', async () => {
    const w = await world();
    const n = await orphan(w);
    const next = await make.profile(ds(), { project: w.project });
    const a = await patch(w.project, n.id, { node: { profile_id: next.id, metadata: null, name: null, role: null } });
    expect((await accepted(w.project, a, { actionBody: false })).inputs).toMatchObject({ new_profile_id: next.id });
  });

  it('takes tainted from 1.13 and drops it before', async () => {
    const w = await world();
    const n = await orphan(w);
    expectFault(
      await patch(w.project, n.id, { node: { tainted: true } }, '1.12'),
      400,
      'BadRequest',
      'No property needs an update.',
    );
    const a = await patch(w.project, n.id, { node: { tainted: true } }, '1.13');
    expect((await accepted(w.project, a, { actionBody: false })).inputs).toEqual({ tainted: true });
    expect(a.body.node).toMatchObject({ tainted: false });
  });

  it('refuses an update that changes nothing, or has no node key', async () => {
    const w = await world();
    const n = await orphan(w, { name: 'same' });
    expectFault(await patch(w.project, n.id, { node: {} }), 400, 'BadRequest', 'No property needs an update.');
    expectFault(
      await patch(w.project, n.id, { node: { name: 'same', profile_id: w.profile.id } }),
      400,
      'BadRequest',
      'No property needs an update.',
    );
    expectFault(
      await patch(w.project, n.id, { name: 'x' }),
      400,
      'HTTPBadRequest',
      "Malformed request data, missing 'node' key in request body.",
    );
  });

  it('refuses profiles it cannot find, ambiguous ones and ones of another type', async () => {
    const w = await world();
    const n = await orphan(w);
    const missing = '3243dd63-1008-4181-849a-0058af975800';
    expectFault(
      await patch(w.project, n.id, { node: { profile_id: missing } }),
      400,
      'BadRequest',
      `The specified profile '${missing}' could not be found.`,
    );
    await make.profile(ds(), { project: w.project, name: 'p-nova' });
    await make.profile(ds(), { project: w.project, name: 'p-nova' });
    expectFault(
      await patch(w.project, n.id, { node: { profile_id: 'p-nova' } }),
      400,
      'MultipleChoices',
      "Multiple results found matching the query criteria 'p-nova'. Please be more specific.",
    );
    const heat = await make.profile(ds(), { project: w.project, type: 'os.heat.stack-1.0' });
    expectFault(
      await patch(w.project, n.id, { node: { profile_id: heat.id } }),
      400,
      'BadRequest',
      'Cannot update a node to a different profile type, operation aborted.',
    );
  });

  it('answers 404 for an unknown node and 409 while another action on it waits', async () => {
    const id = '608addc9-cbbe-45cd-a00a-495cae7db400';
    expectFault(
      await patch(freshProject(), id, { node: { name: 'new-name' } }),
      404,
      'ResourceNotFound',
      `The node '${id}' could not be found.`,
    );
    const w = await world();
    const n = await orphan(w);
    const other = await make.action(ds(), {
      project: w.project,
      target: n.id,
      action: 'NODE_CHECK',
      status: 'WAITING_LIFECYCLE_COMPLETION',
    });
    expectFault(
      await patch(w.project, n.id, { node: { name: 'new-name' } }),
      409,
      'ActionConflict',
      `The NODE_UPDATE action for target ${n.id} conflicts with the following action(s): ${other.id}`,
    );
  });
});

describe('DELETE /v1/nodes/{id}', () => {
  const del = (project: string, id: string, o: { body?: unknown; version?: string } = {}) =>
    h.http('DELETE', `/v1/nodes/${id}`, { project, ...o });

  it('answers 202 with a null body and a NODE_DELETE action', async () => {
    const w = await world();
    const n = await orphan(w);
    const a = await del(w.project, n.id);
    expect(a.body).toBeNull();
    expect(await accepted(w.project, a, { actionBody: false })).toMatchObject({
      action: 'NODE_DELETE',
      target: n.id,
      inputs: { force: false },
    });
  });

  it('refuses a node being changed unless forced, and forcing needs 1.8', async () => {
    const w = await world();
    const n = await orphan(w, { status: 'CREATING' });
    expectFault(await del(w.project, n.id), 409, 'ActionInProgress', `The node '${n.id}' is in status CREATING.`);
    expectFault(await del(w.project, n.id, { body: { force: true } }), 409, 'ActionInProgress');
    const a = await del(w.project, n.id, { body: { force: true }, version: '1.8' });
    expect((await accepted(w.project, a, { actionBody: false })).inputs).toEqual({ force: true });
  });

  it('refuses a force that is not true or false, at any version', async () => {
    const w = await world();
    const n = await orphan(w);
    expectFault(
      await del(w.project, n.id, { body: { force: 'bogus' } }),
      400,
      'HTTPBadRequest',
      "Invalid value 'bogus' specified for 'force'",
    );
    expectFault(
      await del(w.project, n.id, { body: [true], version: '1.8' }),
      400,
      'HTTPBadRequest',
      'The request body must be a JSON object.',
    );
  });

  it('refuses (409) a node other nodes depend on', async () => {
    const w = await world();
    const n = await orphan(w, { dependents: { nodes: ['x'] } });
    expectFault(
      await del(w.project, n.id),
      409,
      'ResourceInUse',
      `The node '${n.id}' cannot be deleted: still depended by other clusters and/or nodes.`,
    );
  });

  it('answers 404 for an unknown node and 400 for an ambiguous name', async () => {
    const id = '86bd7425-cddd-457e-a467-78e290aceab9';
    expectFault(await del(freshProject(), id), 404, 'ResourceNotFound', `The node '${id}' could not be found.`);
    const w = await world();
    await orphan(w, { name: 'n-01' });
    await orphan(w, { name: 'n-01' });
    expectFault(
      await del(w.project, 'n-01'),
      400,
      'MultipleChoices',
      "Multiple results found matching the query criteria 'n-01'. Please be more specific.",
    );
  });
});

describe('POST /v1/nodes/{id}/actions', () => {
  const act = (project: string, id: string, body: unknown) =>
    h.http('POST', `/v1/nodes/${id}/actions`, { project, body });

  it.each([
    ['no action', {}, 'No action specified.'],
    ['two actions', { check: {}, recover: {} }, 'Multiple actions specified.'],
    ['an unknown action', { bogus: {} }, "Unrecognized action 'bogus' specified"],
    ['check params that are not a map', { check: [] }, 'The params provided is not a map.'],
    ['recover params that are not a map', { recover: [] }, 'The params provided is not a map.'],
  ])('refuses %s before looking for the node', async (_what, body, message) => {
    expectFault(await act(freshProject(), 'node_id', body), 400, 'HTTPBadRequest', message);
  });

  it('check takes any map as its inputs', async () => {
    const w = await world();
    const n = await orphan(w);
    expect(await accepted(w.project, await act(w.project, n.id, { check: {} }))).toMatchObject({
      action: 'NODE_CHECK',
      target: n.id,
      inputs: {},
    });
  });

  it('recover takes its own keys and refuses others', async () => {
    const w = await world();
    const n = await orphan(w);
    const got = await accepted(
      w.project,
      await act(w.project, n.id, {
        recover: { operation: 'REBUILD', check: false, delete_timeout: 30, force_recreate: true },
      }),
    );
    expect(got).toMatchObject({
      action: 'NODE_RECOVER',
      inputs: { operation: 'REBUILD', check: false, delete_timeout: 30, force_recreate: true },
    });
    const n2 = await orphan(w);
    expectFault(
      await act(w.project, n2.id, { recover: { check_capacity: true } }),
      400,
      'BadRequest',
      "Action parameter ['check_capacity'] is not recognizable.",
    );
  });

  it('answers 404 for an unknown node', async () => {
    for (const [id, body] of [
      ['90c46123-f992-4833-859a-46f6d2ccd8e9', { check: {} }],
      ['694e59ce-551e-4e77-a684-e77781583e12', { recover: {} }],
    ] as const) {
      expectFault(await act(freshProject(), id, body), 404, 'ResourceNotFound', `The node '${id}' could not be found.`);
    }
  });

  it('answers 409 while the node is locked by an action', async () => {
    const w = await world();
    const n = await orphan(w);
    const holder = await make.action(ds(), {
      project: w.project,
      target: n.id,
      action: 'NODE_UPDATE',
      status: 'WAITING_LIFECYCLE_COMPLETION',
    });
    await ds().query('INSERT INTO node_lock (node_id, action_id) VALUES ($1, $2)', [n.id, holder.id]);
    expectFault(
      await act(w.project, n.id, { check: {} }),
      409,
      'ResourceIsLocked',
      `NODE_CHECK for node '${n.id}' cannot be completed because it is already locked.`,
    );
  });
});

describe('POST /v1/nodes/{id}/ops', () => {
  const op = (project: string, id: string, body: unknown, version = '1.4') =>
    h.http('POST', `/v1/nodes/${id}/ops`, { project, body, version });

  it('runs a profile operation with its parameters, defaults filled in', async () => {
    const w = await world();
    const n = await orphan(w);
    expect(await accepted(w.project, await op(w.project, n.id, { reboot: { type: 'SOFT' } }))).toMatchObject({
      action: 'NODE_OPERATION',
      target: n.id,
      name: `node_reboot_${n.id.slice(0, 8)}`,
      inputs: { operation: 'reboot', params: { type: 'SOFT' } },
    });
    expect((await accepted(w.project, await op(w.project, n.id, { reboot: {} }))).inputs).toEqual({
      operation: 'reboot',
      params: { type: 'SOFT' },
    });
    expect((await accepted(w.project, await op(w.project, n.id, { pause: null }))).inputs).toEqual({
      operation: 'pause',
      params: {},
    });
  });

  it('does not exist before 1.4', async () => {
    expectFault(
      await op(freshProject(), 'FAKE_ID', { reboot: {} }, '1.3'),
      400,
      'MethodVersionNotFound',
      "API version '1.3' is not supported on this method.",
    );
  });

  it.each([
    ['no operation', {}, 'No operation specified.'],
    ['two operations', { foo: {}, bar: {} }, 'Multiple operations specified.'],
    ['params that are not a map', { reboot: ['SOFT'] }, 'The params provided is not a map.'],
  ])('refuses %s', async (_what, body, message) => {
    expectFault(await op(freshProject(), 'FAKE_ID', body), 400, 'HTTPBadRequest', message);
  });

  it('looks for the node first, then the operation and its parameters', async () => {
    const id = 'bbfbd693-4c46-4670-a9d3-5658a43eb0d5';
    expectFault(
      await op(freshProject(), id, { dance: {} }),
      404,
      'ResourceNotFound',
      `The node '${id}' could not be found.`,
    );
    const w = await world();
    const n = await orphan(w);
    expectFault(
      await op(w.project, n.id, { dance: {} }),
      400,
      'BadRequest',
      "The requested operation 'dance' is not supported by the profile type 'os.nova.server-1.0'.",
    );
    expectFault(
      await op(w.project, n.id, { reboot: { type: 'Unknown' } }),
      400,
      'BadRequest',
      "'Unknown' must be one of the allowed values: SOFT, HARD.",
    );
    expectFault(
      await op(w.project, n.id, { reboot: { kind: 'HARD' } }),
      400,
      'BadRequest',
      "Unrecognizable parameter 'kind'.",
    );
    expectFault(
      await op(w.project, n.id, { constructor: {} }),
      400,
      'BadRequest',
      /^The requested operation 'constructor' is not supported/,
    );
  });
});
