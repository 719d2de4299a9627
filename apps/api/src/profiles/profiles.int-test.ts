import { ProfileRepository } from '@grove/db';
import { freshProject, make } from '@grove/testing';
import { useGrove, type HttpAnswer } from '../testing/grove-harness';
import { expectFault } from '../testing/senlin-answers';

/** Tempest's profile tests (API.md §9) and what they leave out, against the simulated cloud. */
const h = useGrove();
const ds = () => h.grove.dataSource;

/** Tempest's spec_nova_server, with an image the simulator has. */
const SPEC = {
  type: 'os.nova.server',
  version: '1.0',
  properties: {
    flavor: '1',
    name: 'new-server-test',
    image: 'cirros-0.6.2-x86_64-disk',
    networks: [{ network: 'private' }],
  },
};
const withProps = (props: Record<string, unknown>, spec: Record<string, unknown> = SPEC) => ({
  ...spec,
  properties: { ...(spec.properties as object), ...props },
});
const withoutProp = (name: string) => {
  const properties: Record<string, unknown> = { ...SPEC.properties };
  delete properties[name];
  return { ...SPEC, properties };
};

const KEYS = ['created_at', 'domain', 'id', 'metadata', 'name', 'project', 'spec', 'type', 'updated_at', 'user'];
const WIRE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

interface ProfileView {
  id: string;
  name: string;
  type: string;
  user: string;
  project: string;
  domain: string | null;
  spec: { type: string; version: string; properties: Record<string, unknown> };
  metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string | null;
}
type One = { profile: ProfileView };
type Many = { profiles: ProfileView[] };

const create = (project: string, profile: unknown) =>
  h.http<One>('POST', '/v1/profiles', { project, body: { profile } });
const validate = (project: string, body: unknown, version = '1.2') =>
  h.http<One>('POST', '/v1/profiles/validate', { project, body, version });

async function made(project: string, profile: Record<string, unknown> = {}): Promise<ProfileView> {
  const a = await create(project, { name: 'p', spec: SPEC, ...profile });
  expect(a.status).toBe(201);
  return a.body.profile;
}

describe('POST /v1/profiles', () => {
  it('stores the profile and answers 201 with it (tempest profile_create)', async () => {
    const project = freshProject();
    const a = await create(project, { name: 'test-profile', spec: SPEC, metadata: { foo: 'bar' } });
    expect(a.status).toBe(201);
    expect(a.headers.get('location')).toBeNull();
    const p = a.body.profile;
    expect(Object.keys(p).sort()).toEqual(KEYS);
    expect(p).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'test-profile',
      type: 'os.nova.server-1.0',
      user: expect.any(String),
      project,
      domain: null,
      spec: SPEC,
      metadata: { foo: 'bar' },
      created_at: expect.stringMatching(WIRE_TIME),
      updated_at: null,
    });
    expect((await h.http<One>('GET', `/v1/profiles/${p.id}`, { project })).body.profile).toEqual(p);
  });

  it('takes metadata that is null or absent as none (Heat sends null)', async () => {
    const project = freshProject();
    expect((await made(project, { metadata: null })).metadata).toEqual({});
    expect((await made(project)).metadata).toEqual({});
  });

  it('takes the version as a number too, and keeps the spec as sent', async () => {
    const p = await made(freshProject(), { spec: { ...SPEC, version: 1.0 } });
    expect(p).toMatchObject({ type: 'os.nova.server-1.0', spec: { version: 1 } });
  });

  it.each([
    ['no profile key', { name: 'x' }, "Request body missing 'profile' key."],
    ['no spec (profile_data_not_specified)', { profile: { name: 'test-profile' } }, "'spec' is a required property"],
    ['no name', { profile: { spec: SPEC } }, "'name' is a required property"],
    [
      'an unknown key',
      { profile: { name: 'bar', spec: {}, boo: 'foo' } },
      "Additional properties are not allowed ('boo' was unexpected)",
    ],
    ['a spec that is not a map', { profile: { name: 'bar', spec: 'x' } }, "'x' is not of type 'object'"],
    [
      'metadata that is not a map',
      { profile: { name: 'bar', spec: SPEC, metadata: [] } },
      "[] is not of type 'object'",
    ],
    [
      'an empty name',
      { profile: { name: '', spec: SPEC } },
      'The value for the name field must be at least 1 characters long.',
    ],
    [
      'a long name',
      { profile: { name: 'n'.repeat(256), spec: SPEC } },
      'The value for the name field must be less than 255 characters long.',
    ],
    [
      'a name with a space',
      { profile: { name: 'a b', spec: SPEC } },
      `The value for the 'name' (a b) contains illegal characters. It must contain only alphanumeric or "_-.~" characters and must start with letter.`,
    ],
  ])('refuses %s', async (_what, body, message) => {
    expectFault(
      await h.http('POST', '/v1/profiles', { project: freshProject(), body }),
      400,
      'HTTPBadRequest',
      message,
    );
  });

  it('takes a name of letters, digits, CJK and ._~-', async () => {
    expect((await made(freshProject(), { name: 'Web_1.a~b-名字' })).name).toBe('Web_1.a~b-名字');
  });

  it('answers 404 for a type it does not know (profile_type_incorrect)', async () => {
    const a = await create(freshProject(), { name: 'test-profile', spec: { ...SPEC, type: 'senlin.profile.bogus' } });
    expectFault(a, 404, 'ResourceNotFound', "The profile_type 'senlin.profile.bogus-1.0' could not be found.");
    const b = await create(freshProject(), { name: 'test-profile', spec: { ...SPEC, version: '2.0' } });
    expectFault(b, 404, 'ResourceNotFound', "The profile_type 'os.nova.server-2.0' could not be found.");
  });

  it('names the spec item at fault (spec_validation_failed)', async () => {
    const send = (spec: unknown) => create(freshProject(), { name: 'test-profile', spec });
    expectFault(
      await send(withProps({ bogus: 'foo' })),
      400,
      'InvalidSpec',
      "Failed in creating profile test-profile: Unrecognizable spec item 'bogus'",
    );
    expectFault(
      await send(withoutProp('flavor')),
      400,
      'InvalidSpec',
      "Failed in creating profile test-profile: Required spec item 'flavor' not provided",
    );
    expectFault(
      await send(withProps({ networks: 'private' })),
      400,
      'InvalidSpec',
      /^Failed in creating profile test-profile: .*networks/,
    );
    expectFault(
      await send(withProps({ networks: [{ network: 'private', bogus: 1 }] })),
      400,
      'InvalidSpec',
      /^Failed in creating profile test-profile: .*bogus/,
    );
    expectFault(
      await send(withProps({ config_drive: 'maybe' })),
      400,
      'InvalidSpec',
      /^Failed in creating profile test-profile: .*maybe.*Boolean/,
    );
  });

  it('refuses a spec without type or version with a 400 (Senlin answers 500)', async () => {
    const send = (spec: unknown) => create(freshProject(), { name: 'p', spec });
    const { type: _t, ...noType } = SPEC;
    const { version: _v, ...noVersion } = SPEC;
    expectFault(await send(noType), 400, 'InvalidSpec', /The 'type' key is missing from the provided spec map\.$/);
    expectFault(
      await send(noVersion),
      400,
      'InvalidSpec',
      /The 'version' key is missing from the provided spec map\.$/,
    );
  });

  it('checks the spec against the cloud: an unknown flavor, image or network is a 400', async () => {
    const send = (props: Record<string, unknown>) => create(freshProject(), { name: 'p', spec: withProps(props) });
    expectFault(
      await send({ flavor: 'new_flavor' }),
      400,
      'InvalidSpec',
      /^Failed in creating profile p: .*flavor 'new_flavor' could not be found/,
    );
    expectFault(
      await send({ image: 'new_image' }),
      400,
      'InvalidSpec',
      /^Failed in creating profile p: .*image 'new_image' could not be found/,
    );
    expectFault(
      await send({ networks: [{ network: 'nowhere' }] }),
      400,
      'InvalidSpec',
      /^Failed in creating profile p: .*nowhere/,
    );
    // Flavors and images by name or id.
    expect((await send({ flavor: 'm1.small' })).status).toBe(201);
  });
});

describe('credentials in a spec', () => {
  const secretSpec = withProps({ admin_pass: 'hunter2', metadata: { db_password: 'p4ss', owner: 'me' } });
  const hidden = (p: ProfileView) => {
    expect(p.spec.properties).toMatchObject({ admin_pass: '***', metadata: { db_password: '***', owner: 'me' } });
    expect(JSON.stringify(p)).not.toMatch(/hunter2|p4ss/);
  };

  it('never come back: not from create, show, list, update or validate', async () => {
    const project = freshProject();
    const a = await create(project, { name: 'secret', spec: secretSpec });
    expect(a.status).toBe(201);
    hidden(a.body.profile);
    const id = a.body.profile.id;
    hidden((await h.http<One>('GET', `/v1/profiles/${id}`, { project })).body.profile);
    const listed = await h.http<Many>('GET', '/v1/profiles', { project });
    for (const p of listed.body.profiles) hidden(p);
    hidden(
      (await h.http<One>('PATCH', `/v1/profiles/${id}`, { project, body: { profile: { name: 'renamed' } } })).body
        .profile,
    );
    hidden((await validate(project, { profile: { spec: secretSpec } })).body.profile);
    const admin = await h.http<Many>('GET', '/v1/profiles?global_project=true', {
      project: freshProject(),
      roles: 'admin',
    });
    expect(JSON.stringify(admin.body)).not.toMatch(/hunter2|p4ss/);
  });

  it('are sealed in the table, and read back as given for the servers that need them', async () => {
    const project = freshProject();
    const { id } = (await create(project, { name: 'secret', spec: secretSpec })).body.profile;
    const [row] = (await ds().query('SELECT spec FROM profile WHERE id = $1', [id])) as { spec: typeof SPEC }[];
    expect(row.spec.properties).toMatchObject({
      admin_pass: expect.stringMatching(/^grove:sealed:v1:/),
      metadata: { db_password: expect.stringMatching(/^grove:sealed:v1:/), owner: 'me' },
    });
    expect(JSON.stringify(row)).not.toMatch(/hunter2|p4ss/);
    const read = await new ProfileRepository(ds()).getById(id);
    expect(read?.spec.properties).toMatchObject({ admin_pass: 'hunter2', metadata: { db_password: 'p4ss' } });
  });
});

describe('GET /v1/profiles', () => {
  let project: string;
  let profiles: ProfileView[];
  beforeAll(async () => {
    project = freshProject();
    profiles = [];
    for (const name of ['b-prof', 'a-prof', 'c-prof']) {
      profiles.push(await made(project, { name }));
      await new Promise((r) => setTimeout(r, 5));
    }
  });
  const list = async (query = '') => {
    const a = await h.http<Many>('GET', `/v1/profiles${query}`, { project });
    expect(a.status).toBe(200);
    return a.body.profiles.map((p) => p.name);
  };

  it('lists the project’s profiles oldest first, with every key (tempest profile_list)', async () => {
    const a = await h.http<Many>('GET', '/v1/profiles', { project });
    expect(a.headers.get('location')).toBeNull();
    expect(a.body.profiles.map((p) => p.name)).toEqual(['b-prof', 'a-prof', 'c-prof']);
    for (const p of a.body.profiles) expect(Object.keys(p).sort()).toEqual(KEYS);
  });

  it('filters by name and type, exactly and repeatedly', async () => {
    expect(await list('?name=a-prof')).toEqual(['a-prof']);
    expect(await list('?name=a-prof&name=c-prof')).toEqual(['a-prof', 'c-prof']);
    expect(await list('?name=a-pro')).toEqual([]);
    expect(await list('?type=os.nova.server-1.0')).toHaveLength(3);
    expect(await list('?type=os.heat.stack-1.0')).toEqual([]);
  });

  it('sorts by name and pages with limit and marker', async () => {
    expect(await list('?sort=name')).toEqual(['a-prof', 'b-prof', 'c-prof']);
    expect(await list('?sort=name:desc')).toEqual(['c-prof', 'b-prof', 'a-prof']);
    expect(await list('?sort=name&limit=2')).toEqual(['a-prof', 'b-prof']);
    const a = profiles.find((p) => p.name === 'a-prof')!;
    expect(await list(`?sort=name&limit=1&marker=${a.id}`)).toEqual(['b-prof']);
    expect(await list(`?marker=${profiles[2].id}`)).toEqual([]);
    // An unknown marker starts the list again.
    expect(await list('?limit=1&marker=1b7e2a43-0e37-4a8f-8d0e-1f4e0c7a0d11')).toEqual(['b-prof']);
  });
});

describe('GET /v1/profiles/{id}', () => {
  it('finds a profile by id, name and short id (tempest profile_show)', async () => {
    const project = freshProject();
    const p = await made(project, { name: 'shown' });
    for (const ident of [p.id, 'shown', p.id.slice(0, 8)]) {
      const a = await h.http<One>('GET', `/v1/profiles/${ident}`, { project });
      expect({ ident, status: a.status }).toEqual({ ident, status: 200 });
      expect(a.body.profile).toEqual(p);
    }
  });

  it('answers 404 for a profile it cannot find, 400 for an ambiguous name', async () => {
    const project = freshProject();
    const id = '887aa1a5-e623-4b49-bdba-e62366b8b636';
    expectFault(
      await h.http('GET', `/v1/profiles/${id}`, { project }),
      404,
      'ResourceNotFound',
      `The profile '${id}' could not be found.`,
    );
    await made(project, { name: 'p-01' });
    await made(project, { name: 'p-01' });
    expectFault(
      await h.http('GET', '/v1/profiles/p-01', { project }),
      400,
      'MultipleChoices',
      "Multiple results found matching the query criteria 'p-01'. Please be more specific.",
    );
  });
});

describe('PATCH /v1/profiles/{id}', () => {
  const patch = (project: string, id: string, body: unknown) =>
    h.http<One>('PATCH', `/v1/profiles/${id}`, { project, body });

  it('changes name and metadata and answers 200 with the profile (tempest profile_update)', async () => {
    const project = freshProject();
    const p = await made(project, { metadata: { foo: 'bar' } });
    const a = await patch(project, p.id, { profile: { name: 'updated-profile-name', metadata: { bar: 'foo' } } });
    expect(a.status).toBe(200);
    expect(Object.keys(a.body.profile).sort()).toEqual(KEYS);
    expect(a.body.profile).toMatchObject({
      id: p.id,
      name: 'updated-profile-name',
      metadata: { bar: 'foo' },
      spec: SPEC,
    });
    expect(a.body.profile.updated_at).toMatch(WIRE_TIME);
    expect((await h.http<One>('GET', `/v1/profiles/${p.id}`, { project })).body.profile).toMatchObject({
      name: 'updated-profile-name',
      metadata: { bar: 'foo' },
      updated_at: a.body.profile.updated_at,
    });
  });

  it('takes a null name as no change and null metadata as none', async () => {
    const project = freshProject();
    const p = await made(project, { name: 'keep', metadata: { a: 1 } });
    const a = await patch(project, p.name, { profile: { name: null, metadata: null } });
    expect(a.status).toBe(200);
    expect(a.body.profile).toMatchObject({ name: 'keep', metadata: {} });
  });

  it('refuses an update that changes nothing', async () => {
    const project = freshProject();
    const p = await made(project, { name: 'same', metadata: { a: 1 } });
    for (const profile of [
      {},
      { name: 'same' },
      { metadata: { a: 1 } },
      { name: 'same', metadata: { a: 1 } },
      { name: null },
    ]) {
      expectFault(await patch(project, p.id, { profile }), 400, 'BadRequest', 'No property needs an update.');
    }
  });

  it('refuses a body without a profile key, or with a spec (not updatable)', async () => {
    const id = '5fe90195-aaed-4c1f-a73a-806b3f044bf8';
    expectFault(
      await patch(freshProject(), id, {}),
      400,
      'HTTPBadRequest',
      "Malformed request data, missing 'profile' key in request body.",
    );
    const project = freshProject();
    const p = await made(project);
    expectFault(
      await patch(project, p.id, { profile: { name: 'new-name', spec: { k1: 'v1' } } }),
      400,
      'HTTPBadRequest',
      "Additional properties are not allowed ('spec' was unexpected)",
    );
  });

  it('answers 404 for a profile it cannot find, 400 for an ambiguous name', async () => {
    const id = '5fe90195-aaed-4c1f-a73a-806b3f044bf8';
    expectFault(
      await patch(freshProject(), id, { profile: { name: 'new-name' } }),
      404,
      'ResourceNotFound',
      `The profile '${id}' could not be found.`,
    );
    const project = freshProject();
    await made(project, { name: 'twin' });
    await made(project, { name: 'twin' });
    expectFault(await patch(project, 'twin', { profile: { name: 'x' } }), 400, 'MultipleChoices');
  });
});

describe('DELETE /v1/profiles/{id}', () => {
  const del = (project: string, id: string) => h.http('DELETE', `/v1/profiles/${id}`, { project });

  it('answers 204 with no body, and the profile is gone (tempest profile_delete)', async () => {
    const project = freshProject();
    const p = await made(project);
    const a = await del(project, p.name);
    expect(a.status).toBe(204);
    expect(a.body).toBeNull();
    expectFault(await h.http('GET', `/v1/profiles/${p.id}`, { project }), 404, 'ResourceNotFound');
  });

  it('refuses (409) a profile a cluster or a node uses', async () => {
    const project = freshProject();
    const forCluster = await made(project);
    await make.cluster(ds(), { project, profileId: forCluster.id });
    const forNode = await made(project);
    await make.node(ds(), { project, profileId: forNode.id });
    for (const p of [forCluster, forNode]) {
      expectFault(
        await del(project, p.id),
        409,
        'ResourceInUse',
        `The profile '${p.id}' cannot be deleted: still referenced by some clusters and/or nodes.`,
      );
    }
  });

  it('answers 404 for a profile it cannot find, 400 for an ambiguous name', async () => {
    const id = 'b6e7911d-5f65-4ec6-a08b-b88809fe2b9e';
    expectFault(await del(freshProject(), id), 404, 'ResourceNotFound', `The profile '${id}' could not be found.`);
    const project = freshProject();
    await made(project, { name: 'p-01' });
    await made(project, { name: 'p-01' });
    expectFault(
      await del(project, 'p-01'),
      400,
      'MultipleChoices',
      "Multiple results found matching the query criteria 'p-01'. Please be more specific.",
    );
  });
});

describe('POST /v1/profiles/validate', () => {
  it('answers 200 with the profile that would be made, and stores nothing (tempest profile_validate)', async () => {
    const project = freshProject();
    const a = await validate(project, { profile: { spec: SPEC } });
    expect(a.status).toBe(200);
    expect(Object.keys(a.body.profile).sort()).toEqual(KEYS);
    expect(a.body.profile).toMatchObject({
      name: 'validated_profile',
      type: 'os.nova.server-1.0',
      spec: SPEC,
      project,
      metadata: {},
    });
    expect((await h.http<Many>('GET', '/v1/profiles', { project })).body.profiles).toEqual([]);
  });

  it.each([
    ['an empty body', {}, "Request body missing 'profile' key."],
    ['no spec', { profile: {} }, "'spec' is a required property"],
    ['a name', { profile: { spec: SPEC, name: 'x' } }, "Additional properties are not allowed ('name' was unexpected)"],
  ])('refuses %s', async (_what, body, message) => {
    expectFault(await validate(freshProject(), body), 400, 'HTTPBadRequest', message);
  });

  it('answers 404 for a type it does not know', async () => {
    const a = await validate(freshProject(), { profile: { spec: { ...SPEC, type: 'senlin.profile.bogus' } } });
    expectFault(a, 404, 'ResourceNotFound', "The profile_type 'senlin.profile.bogus-1.0' could not be found.");
  });

  it('reports spec errors without naming a profile (spec_validation_failed)', async () => {
    const a = await validate(freshProject(), { profile: { spec: withProps({ bogus: 'foo' }) } });
    expectFault(a, 400, 'InvalidSpec', "Unrecognizable spec item 'bogus'");
  });

  it('checks the spec against the cloud too', async () => {
    const a: HttpAnswer<unknown> = await validate(freshProject(), {
      profile: { spec: withProps({ flavor: 'new_flavor' }) },
    });
    expectFault(a, 400, 'InvalidSpec', /flavor 'new_flavor' could not be found/);
  });

  it('does not exist before 1.2', async () => {
    expectFault(
      await validate(freshProject(), { profile: { spec: SPEC } }, '1.1'),
      400,
      'MethodVersionNotFound',
      "API version '1.1' is not supported on this method.",
    );
  });
});
