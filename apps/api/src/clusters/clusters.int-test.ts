import type { ClusterStatus } from '@grove/core';
import { freshProject, make } from '@grove/testing';
import { actionOf, useGrove, type HttpAnswer } from '../testing/grove-harness';
import { expectAccepted, expectFault } from '../testing/senlin-answers';

/** Tempest's cluster CRUD tests (API.md §9) and what they leave out, with the engine running them. */
const h = useGrove({ DEFAULT_ACTION_TIMEOUT_S: '1800', MAX_CLUSTERS_PER_PROJECT: '5' });
const ds = () => h.grove.dataSource;

const SPEC = {
  type: 'os.nova.server',
  version: '1.0',
  properties: { flavor: '1', image: 'cirros-0.6.2-x86_64-disk', networks: [{ network: 'private' }] },
};
const SPEC_SMALL = { ...SPEC, properties: { ...SPEC.properties, flavor: 'm1.small' } };
const KEYS = [
  'config',
  'created_at',
  'data',
  'dependents',
  'desired_capacity',
  'domain',
  'id',
  'init_at',
  'max_size',
  'metadata',
  'min_size',
  'name',
  'nodes',
  'policies',
  'profile_id',
  'profile_name',
  'project',
  'status',
  'status_reason',
  'timeout',
  'updated_at',
  'user',
];
const WIRE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

interface ClusterView {
  id: string;
  name: string;
  profile_id: string;
  profile_name: string;
  status: string;
  status_reason: string;
  min_size: number;
  max_size: number;
  desired_capacity: number;
  timeout: number;
  metadata: Record<string, unknown>;
  config: Record<string, unknown>;
  nodes: string[];
  created_at: string | null;
  updated_at: string | null;
  init_at: string;
}
type One = { cluster: ClusterView };

async function profileIn(project: string, name = 'prof', spec: object = SPEC): Promise<string> {
  const a = await h.http<{ profile: { id: string } }>('POST', '/v1/profiles', {
    project,
    body: { profile: { name, spec } },
  });
  expect(a.status).toBe(201);
  return a.body.profile.id;
}

const create = (project: string, cluster: Record<string, unknown>, version?: string) =>
  h.http<One>('POST', '/v1/clusters', {
    project,
    version,
    body: { cluster: { name: 'test-cluster', profile_id: 'prof', ...cluster } },
  });

const actionById = async (project: string, id: string) =>
  (await h.http<{ action: Record<string, unknown> }>('GET', `/v1/actions/${id}`, { project })).body.action;

const succeeded = async (project: string, a: HttpAnswer<unknown>) => {
  const action = await h.waitForAction(expectAccepted(a, { actionBody: false }), { project, timeoutMs: 30_000 });
  expect({ status: action.status, reason: action.status_reason }).toEqual({
    status: 'SUCCEEDED',
    reason: expect.any(String),
  });
  return action;
};

/** A project with a profile 'prof' and an ACTIVE cluster made through the api. */
async function activeCluster(o: Record<string, unknown> = {}) {
  const project = freshProject();
  const profileId = await profileIn(project);
  const a = await create(project, { name: 'c', ...o });
  await succeeded(project, a);
  return { project, profileId, id: a.body.cluster.id };
}

describe('POST /v1/clusters', () => {
  it('answers 202 with the cluster in INIT and an absolute Location; the action makes it ACTIVE (tempest cluster_create)', async () => {
    const project = freshProject();
    const profileId = await profileIn(project);
    const a = await create(project, {
      desired_capacity: 2,
      min_size: 1,
      max_size: 3,
      timeout: 120,
      metadata: { k1: 'v1' },
    });
    const actionId = expectAccepted(a, { actionBody: false });
    const c = a.body.cluster;
    expect(Object.keys(c).sort()).toEqual(KEYS);
    expect(c).toMatchObject({
      name: 'test-cluster',
      profile_id: profileId,
      profile_name: 'prof',
      project,
      status: 'INIT',
      status_reason: 'Initializing',
      desired_capacity: 2,
      min_size: 1,
      max_size: 3,
      timeout: 120,
      metadata: { k1: 'v1' },
      config: {},
      nodes: [],
      policies: [],
      data: {},
      dependents: {},
      created_at: null,
      updated_at: null,
    });
    expect(c.init_at).toMatch(WIRE_TIME);
    expect(await actionById(project, actionId)).toMatchObject({
      action: 'CLUSTER_CREATE',
      name: `cluster_create_${c.id.slice(0, 8)}`,
      target: c.id,
      cause: 'RPC Request',
      timeout: 120,
    });
    await succeeded(project, a);
    const shown = (await h.http<One>('GET', `/v1/clusters/${c.id}`, { project })).body.cluster;
    expect(shown).toMatchObject({ status: 'ACTIVE', desired_capacity: 2 });
    expect(shown.nodes).toHaveLength(2);
    expect(shown.created_at).toMatch(WIRE_TIME);
  });

  it('defaults sizes and timeout (min 0, max unbounded, desired from min, DEFAULT_ACTION_TIMEOUT_S)', async () => {
    const project = freshProject();
    await profileIn(project);
    const plain = (await create(project, { name: 'a' })).body.cluster;
    expect(plain).toMatchObject({ min_size: 0, max_size: -1, desired_capacity: 0, timeout: 1800, metadata: {} });
    const fromMin = (await create(project, { name: 'b', min_size: 1 })).body.cluster;
    expect(fromMin).toMatchObject({ min_size: 1, desired_capacity: 1 });
    // What tempest's create_a_cluster and Heat send when a template leaves them out.
    const nulls = (
      await create(project, {
        name: 'c',
        desired_capacity: null,
        min_size: null,
        max_size: null,
        timeout: null,
        metadata: null,
        config: null,
      })
    ).body.cluster;
    expect(nulls).toMatchObject({
      min_size: 0,
      max_size: -1,
      desired_capacity: 0,
      timeout: 1800,
      metadata: {},
      config: {},
    });
    // Senlin takes a timeout of 0 as none; numbers may come as strings.
    expect((await create(project, { name: 'd', timeout: 0, desired_capacity: '1' })).body.cluster).toMatchObject({
      timeout: 1800,
      desired_capacity: 1,
    });
  });

  it('finds the profile by name, id or short id, in the caller’s project only', async () => {
    const project = freshProject();
    const profileId = await profileIn(project, 'named');
    for (const ident of ['named', profileId, profileId.slice(0, 8)]) {
      expect((await create(project, { name: 'x', profile_id: ident })).body.cluster.profile_id).toBe(profileId);
    }
    const stranger = freshProject();
    expectFault(
      await create(stranger, { profile_id: profileId }),
      400,
      'BadRequest',
      `The specified profile '${profileId}' could not be found.`,
    );
    const missing = '3aced30b-ccb2-4e40-90c2-7b6aa205e3d6';
    expectFault(
      await create(project, { profile_id: missing }),
      400,
      'BadRequest',
      `The specified profile '${missing}' could not be found.`,
    );
    await profileIn(project, 'twin');
    await profileIn(project, 'twin');
    expectFault(
      await create(project, { profile_id: 'twin' }),
      400,
      'MultipleChoices',
      "Multiple results found matching the query criteria 'twin'. Please be more specific.",
    );
  });

  it('keeps config from 1.7 and drops it before', async () => {
    const project = freshProject();
    await profileIn(project);
    const config = { 'node.name.format': 'web-$3I' };
    expect((await create(project, { name: 'old', config }, '1.6')).body.cluster.config).toEqual({});
    expect((await create(project, { name: 'new', config }, '1.7')).body.cluster.config).toEqual(config);
  });

  it('refuses a cluster over MAX_CLUSTERS_PER_PROJECT with a 403 (Senlin answers 500 OverQuota)', async () => {
    const project = freshProject();
    const profileId = (await make.profile(ds(), { project, name: 'prof' })).id;
    for (let i = 0; i < 5; i++) await make.cluster(ds(), { project, profileId });
    expectFault(
      await create(project, {}),
      403,
      'Forbidden',
      'Quota exceeded for resources: a project may have 5 clusters.',
    );
  });

  it.each([
    [
      { desired_capacity: 2, min_size: 5, max_size: 3 },
      'The target capacity (2) is less than the specified min_size (5).',
    ],
    [{ desired_capacity: 4, max_size: 3 }, 'The target capacity (4) is greater than the specified max_size (3).'],
    [
      { min_size: 5, max_size: 3, desired_capacity: 5 },
      'The target capacity (5) is greater than the specified max_size (3).',
    ],
    [
      { desired_capacity: 1001 },
      'The target capacity (1001) is greater than the maximum number of nodes allowed per cluster (1000).',
    ],
    [
      { max_size: 1001 },
      'The specified max_size (1001) is greater than the maximum number of nodes allowed per cluster (1000).',
    ],
  ])('refuses the sizes %p (tempest size_constraint_illegal)', async (sizes, message) => {
    const project = freshProject();
    await profileIn(project);
    expectFault(await create(project, sizes), 400, 'BadRequest', message);
  });

  it.each([
    ['no cluster key', { bad: { profile_id: 'p', name: 'test-cluster' } }, "Request body missing 'cluster' key."],
    ['no profile', { cluster: { name: 'test-cluster' } }, "'profile_id' is a required property"],
    ['no name', { cluster: { profile_id: 'p' } }, "'name' is a required property"],
    [
      'an unknown key',
      { cluster: { name: 'c', profile_id: 'p', bogus: 1 } },
      "Additional properties are not allowed ('bogus' was unexpected)",
    ],
    [
      'a negative min_size',
      { cluster: { name: 'c', profile_id: 'p', min_size: -1 } },
      'The value for the min_size field must be greater than or equal to 0.',
    ],
    [
      'a max_size under -1',
      { cluster: { name: 'c', profile_id: 'p', max_size: -2 } },
      'The value for the max_size field must be greater than or equal to -1.',
    ],
    [
      'a desired_capacity that is not a number',
      { cluster: { name: 'c', profile_id: 'p', desired_capacity: 'x' } },
      "The value for desired_capacity must be an integer: 'x'.",
    ],
    [
      'a negative timeout',
      { cluster: { name: 'c', profile_id: 'p', timeout: -1 } },
      "Value must be >= 0 for field 'timeout'.",
    ],
    [
      'metadata that is not a map',
      { cluster: { name: 'c', profile_id: 'p', metadata: 'x' } },
      "'x' is not of type 'object'",
    ],
  ])('refuses %s', async (_what, body, message) => {
    expectFault(
      await h.http('POST', '/v1/clusters', { project: freshProject(), body }),
      400,
      'HTTPBadRequest',
      message,
    );
  });
});

describe('GET /v1/clusters', () => {
  let project: string;
  let ids: Record<string, string>;
  beforeAll(async () => {
    project = freshProject();
    const profileId = await profileIn(project);
    ids = {};
    for (const [name, status] of [
      ['b-c', 'ACTIVE'],
      ['a-c', 'ERROR'],
      ['c-c', 'ACTIVE'],
    ] as [string, ClusterStatus][]) {
      ids[name] = (
        await make.cluster(ds(), {
          project,
          profileId,
          name,
          status,
          initAt: new Date(Date.now() + Object.keys(ids).length * 1000),
        })
      ).id;
    }
  });
  const names = async (query = '') => {
    const a = await h.http<{ clusters: ClusterView[] }>('GET', `/v1/clusters${query}`, { project });
    expect(a.status).toBe(200);
    return a.body.clusters.map((c) => c.name);
  };

  it('lists the project’s clusters by init_at, with every key (tempest cluster_list)', async () => {
    const a = await h.http<{ clusters: ClusterView[] }>('GET', '/v1/clusters', { project });
    expect(a.body.clusters.map((c) => c.name)).toEqual(['b-c', 'a-c', 'c-c']);
    for (const c of a.body.clusters) expect(Object.keys(c).sort()).toEqual(KEYS);
    expect(a.body.clusters[0]).toMatchObject({ profile_name: 'prof' });
  });

  it('filters by name and status, and sorts and pages', async () => {
    expect(await names('?status=ERROR')).toEqual(['a-c']);
    expect(await names('?status=ACTIVE&status=ERROR')).toHaveLength(3);
    expect(await names('?name=c-c&name=a-c')).toEqual(['a-c', 'c-c']);
    expect(await names('?sort=name')).toEqual(['a-c', 'b-c', 'c-c']);
    expect(await names('?sort=status:desc,name:desc')).toEqual(['a-c', 'c-c', 'b-c']);
    expect(await names(`?sort=name&limit=1&marker=${ids['a-c']}`)).toEqual(['b-c']);
    expect(await names('?limit=2')).toEqual(['b-c', 'a-c']);
  });

  it('sorts clusters not yet created (created_at null) first going up and last going down', async () => {
    await ds().query(`UPDATE cluster SET created_at = now() - interval '1 hour' WHERE id = ANY($1::uuid[])`, [
      [ids['a-c'], ids['c-c']],
    ]);
    await ds().query(`UPDATE cluster SET created_at = now() WHERE id = $1`, [ids['c-c']]);
    expect(await names('?sort=created_at')).toEqual(['b-c', 'a-c', 'c-c']);
    expect(await names('?sort=created_at:desc')).toEqual(['c-c', 'a-c', 'b-c']);
  });
});

describe('GET /v1/clusters/{id}', () => {
  it('finds a cluster by id, name and short id, with its members (tempest cluster_show)', async () => {
    const { project, id } = await activeCluster({ desired_capacity: 1 });
    for (const ident of [id, 'c', id.slice(0, 8)]) {
      const a = await h.http<One>('GET', `/v1/clusters/${ident}`, { project });
      expect({ ident, status: a.status }).toEqual({ ident, status: 200 });
      expect(Object.keys(a.body.cluster).sort()).toEqual(KEYS);
      expect(a.body.cluster).toMatchObject({ id, status: 'ACTIVE', nodes: [expect.any(String)] });
    }
  });

  it('answers 404 for a cluster it cannot find, 400 for an ambiguous name', async () => {
    const project = freshProject();
    expectFault(
      await h.http('GET', '/v1/clusters/c-01', { project }),
      404,
      'ResourceNotFound',
      "The cluster 'c-01' could not be found.",
    );
    const profileId = (await make.profile(ds(), { project })).id;
    await make.cluster(ds(), { project, profileId, name: 'c-01' });
    await make.cluster(ds(), { project, profileId, name: 'c-01' });
    expectFault(
      await h.http('GET', '/v1/clusters/c-01', { project }),
      400,
      'MultipleChoices',
      "Multiple results found matching the query criteria 'c-01'. Please be more specific.",
    );
  });
});

describe('PATCH /v1/clusters/{id}', () => {
  const patch = (project: string, id: string, body: unknown, version?: string) =>
    h.http<One>('PATCH', `/v1/clusters/${id}`, { project, version, body });

  it('changes name, timeout and metadata through a CLUSTER_UPDATE (tempest cluster_update_basic_properties)', async () => {
    const { project, id } = await activeCluster();
    const a = await patch(project, id, { cluster: { timeout: 240, metadata: { k2: 'v2' }, name: 'cluster_new_name' } });
    const actionId = expectAccepted(a, { actionBody: false });
    expect(Object.keys(a.body.cluster).sort()).toEqual(KEYS);
    expect(await actionById(project, actionId)).toMatchObject({
      action: 'CLUSTER_UPDATE',
      name: `cluster_update_${id.slice(0, 8)}`,
      inputs: { name: 'cluster_new_name', timeout: 240, metadata: { k2: 'v2' } },
    });
    await succeeded(project, a);
    expect((await h.http<One>('GET', `/v1/clusters/${id}`, { project })).body.cluster).toMatchObject({
      name: 'cluster_new_name',
      timeout: 240,
      metadata: { k2: 'v2' },
      status: 'ACTIVE',
    });
  });

  it('takes config from 1.7 only', async () => {
    const project = freshProject();
    const c = await make.cluster(ds(), { project });
    const config = { 'node.name.format': 'x-$3I' };
    expectFault(
      await patch(project, c.id, { cluster: { config } }, '1.6'),
      400,
      'BadRequest',
      'No property needs an update.',
    );
    const a = await patch(project, c.id, { cluster: { config } }, '1.7');
    expect((await actionById(project, actionOf(a))).inputs).toEqual({ config });
  });

  it('refuses an update that changes nothing', async () => {
    const project = freshProject();
    const c = await make.cluster(ds(), { project, name: 'same', timeout: 60, metadata: { a: 1 } });
    for (const cluster of [
      {},
      { name: 'same', timeout: 60, metadata: { a: 1 }, profile_id: c.profileId },
      { name: null, timeout: null },
    ]) {
      expectFault(await patch(project, c.id, { cluster }), 400, 'BadRequest', 'No property needs an update.');
    }
  });

  it('takes null metadata as none', async () => {
    const project = freshProject();
    const c = await make.cluster(ds(), { project, metadata: { a: 1 } });
    expect(
      (await actionById(project, actionOf(await patch(project, c.id, { cluster: { metadata: null } })))).inputs,
    ).toEqual({ metadata: {} });
  });

  it('refuses (409) a cluster in ERROR', async () => {
    const project = freshProject();
    const c = await make.cluster(ds(), { project, status: 'ERROR' });
    expectFault(
      await patch(project, c.id, { cluster: { name: 'x' } }),
      409,
      'FeatureNotSupported',
      'Updating a cluster in error state is not supported.',
    );
  });

  it.each([
    ['no cluster key', {}, "Malformed request data, missing 'cluster' key in request body."],
    ['an unknown key', { cluster: { bad: 'invalid' } }, "Additional properties are not allowed ('bad' was unexpected)"],
    ['a bad name', { cluster: { name: 'a b' } }, /^The value for the 'name' \(a b\) contains illegal characters/],
  ])('refuses %s before looking for the cluster', async (_what, body, message) => {
    expectFault(
      await patch(freshProject(), 'f7a97fce-f495-44a8-b41a-7408139adacf', body),
      400,
      'HTTPBadRequest',
      message,
    );
  });

  it('answers 404 for a cluster it cannot find', async () => {
    const id = 'f7a97fce-f495-44a8-b41a-7408139adacf';
    expectFault(
      await patch(freshProject(), id, { cluster: { name: 'new-name' } }),
      404,
      'ResourceNotFound',
      `The cluster '${id}' could not be found.`,
    );
  });

  it('refuses a profile it cannot find, an ambiguous one and one of another type', async () => {
    const project = freshProject();
    const c = await make.cluster(ds(), { project });
    const missing = 'fb68921d-1fe8-4c14-be9a-51fa43d4f705';
    expectFault(
      await patch(project, c.id, { cluster: { profile_id: missing } }),
      400,
      'BadRequest',
      `The specified profile '${missing}' could not be found.`,
    );
    await make.profile(ds(), { project, name: 'p-nova' });
    await make.profile(ds(), { project, name: 'p-nova' });
    expectFault(
      await patch(project, c.id, { cluster: { profile_id: 'p-nova' } }),
      400,
      'MultipleChoices',
      "Multiple results found matching the query criteria 'p-nova'. Please be more specific.",
    );
    const heat = await make.profile(ds(), { project, type: 'os.heat.stack-1.0' });
    expectFault(
      await patch(project, c.id, { cluster: { profile_id: heat.id } }),
      400,
      'BadRequest',
      'Cannot update a cluster to a different profile type, operation aborted.',
    );
  });
});

describe('changing the profile of a cluster with a member (tempest cluster_update_profile)', () => {
  const profileOfMember = async (project: string, clusterId: string) => {
    const nodes = (
      await h.http<{ nodes: { profile_id: string }[] }>('GET', `/v1/nodes?cluster_id=${clusterId}`, { project })
    ).body.nodes;
    expect(nodes).toHaveLength(1);
    return nodes[0].profile_id;
  };

  it.each([
    ['moves the members too', undefined, {}, true],
    ['moves only the cluster with profile_only from 1.6', '1.6', { profile_only: true }, false],
    ['ignores profile_only before 1.6 (profile_only_backward)', '1.5', { profile_only: true }, true],
  ])('%s', async (_what, version, extra, membersMove) => {
    const { project, profileId: old, id } = await activeCluster({ desired_capacity: 1 });
    const next = await profileIn(project, 'small', SPEC_SMALL);
    const a = await h.http<One>('PATCH', `/v1/clusters/${id}`, {
      project,
      version,
      body: { cluster: { profile_id: next, ...extra } },
    });
    await succeeded(project, a);
    expect((await h.http<One>('GET', `/v1/clusters/${id}`, { project })).body.cluster).toMatchObject({
      profile_id: next,
      profile_name: 'small',
    });
    expect(await profileOfMember(project, id)).toBe(membersMove ? next : old);
  });
});

describe('DELETE /v1/clusters/{id}', () => {
  const del = (project: string, ident: string, o: { body?: unknown; version?: string; query?: string } = {}) =>
    h.http('DELETE', `/v1/clusters/${ident}${o.query ?? ''}`, { project, body: o.body, version: o.version });

  it('answers 202 with the JSON null and a Location; the cluster and its members go (tempest cluster_delete_in_active_status)', async () => {
    const { project, id } = await activeCluster({ desired_capacity: 1 });
    const a = await del(project, id);
    expect(a.body).toBeNull();
    expect(a.headers.get('content-type')).toMatch(/^application\/json/);
    const action = await succeeded(project, a);
    expect(action).toMatchObject({ action: 'CLUSTER_DELETE', name: `cluster_delete_${id.slice(0, 8)}`, target: id });
    expectFault(await h.http('GET', `/v1/clusters/${id}`, { project }), 404, 'ResourceNotFound');
    expect((await h.http<{ nodes: unknown[] }>('GET', '/v1/nodes', { project })).body.nodes).toEqual([]);
  });

  it('refuses (409) a cluster being created, updated, deleted or recovered', async () => {
    const project = freshProject();
    for (const status of ['CREATING', 'UPDATING', 'DELETING', 'RECOVERING'] as const) {
      const c = await make.cluster(ds(), { project, status });
      expectFault(
        await del(project, c.name),
        409,
        'ActionInProgress',
        `The cluster '${c.name}' is in status ${status}.`,
      );
    }
  });

  it('forces from 1.8, by body or query; below 1.8 force is ignored', async () => {
    const project = freshProject();
    const creating = () => make.cluster(ds(), { project, status: 'CREATING' });
    const c1 = await creating();
    expectFault(await del(project, c1.id, { body: { force: true } }), 409, 'ActionInProgress');
    expectFault(await del(project, c1.id, { query: '?force=true', version: '1.7' }), 409, 'ActionInProgress');
    const viaBody = await del(project, c1.id, { body: { force: true }, version: '1.8' });
    expect(viaBody.body).toBeNull();
    expect((await actionById(project, expectAccepted(viaBody, { actionBody: false }))).inputs).toEqual({ force: true });
    const c2 = await creating();
    const viaQuery = await del(project, c2.id, { query: '?force=True', version: 'latest' });
    expect((await actionById(project, expectAccepted(viaQuery, { actionBody: false }))).inputs).toEqual({
      force: true,
    });
    // The query wins over the body.
    const c3 = await creating();
    expectFault(
      await del(project, c3.id, { query: '?force=false', body: { force: true }, version: '1.8' }),
      409,
      'ActionInProgress',
    );
  });

  it('refuses a force that is not a boolean, at any version', async () => {
    const project = freshProject();
    const c = await make.cluster(ds(), { project });
    expectFault(
      await del(project, c.id, { query: '?force=bogus' }),
      400,
      'HTTPBadRequest',
      "Invalid value 'bogus' specified for 'force'",
    );
    expectFault(
      await del(project, c.id, { body: { force: 'bogus' }, version: '1.8' }),
      400,
      'HTTPBadRequest',
      /^Unrecognized value 'bogus', acceptable values are: /,
    );
    expectFault(
      await del(project, c.id, { body: [true], version: '1.8' }),
      400,
      'HTTPBadRequest',
      'The request body must be a JSON object.',
    );
  });

  it('refuses (409) a cluster that hosts the containers of a profile', async () => {
    const project = freshProject();
    const c = await make.cluster(ds(), { project, dependents: { profiles: ['8e7a45c8-6d3c-4d24-9e68-d7d35fd2cf53'] } });
    expectFault(
      await del(project, c.id),
      409,
      'ResourceInUse',
      `The cluster '${c.id}' cannot be deleted: still referenced by profile(s): ['8e7a45c8-6d3c-4d24-9e68-d7d35fd2cf53'].`,
    );
  });

  it('answers 404 for a cluster it cannot find, 400 for an ambiguous name', async () => {
    const id = '8a583b8e-eeaa-4920-a6f5-2880b070624f';
    expectFault(await del(freshProject(), id), 404, 'ResourceNotFound', `The cluster '${id}' could not be found.`);
    const project = freshProject();
    const profileId = (await make.profile(ds(), { project })).id;
    await make.cluster(ds(), { project, profileId, name: 'c-01' });
    await make.cluster(ds(), { project, profileId, name: 'c-01' });
    expectFault(
      await del(project, 'c-01'),
      400,
      'MultipleChoices',
      "Multiple results found matching the query criteria 'c-01'. Please be more specific.",
    );
  });
});
