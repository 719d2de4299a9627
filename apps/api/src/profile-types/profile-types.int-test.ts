import { useGrove } from '../testing/grove-harness';
import { expectFault } from '../testing/senlin-answers';

const h = useGrove();

const TYPES = ['os.nova.server', 'os.heat.stack', 'container.dockerinc.docker'];
const get = <T = Record<string, unknown>>(path: string, version?: string) =>
  h.http<T>('GET', path, { project: 'p1', version });

describe('GET /v1/profile-types', () => {
  it('lists type-version names before 1.5 (Heat compares exactly these)', async () => {
    for (const v of [undefined, '1.4']) {
      const a = await get<{ profile_types: unknown[] }>('/v1/profile-types', v);
      expect(a.status).toBe(200);
      expect(a.body.profile_types).toEqual(expect.arrayContaining(TYPES.map((t) => ({ name: `${t}-1.0` }))));
      expect(a.body.profile_types).toHaveLength(TYPES.length);
    }
  });

  it('lists name, version and support status from 1.5', async () => {
    const a = await get<{ profile_types: { name: string }[] }>('/v1/profile-types', '1.5');
    expect(a.body.profile_types.map((t) => t.name).sort()).toEqual([...TYPES].sort());
    expect(a.body.profile_types).toContainEqual({
      name: 'os.nova.server',
      version: '1.0',
      support_status: { '1.0': [{ status: 'SUPPORTED', since: '2016.04' }] },
    });
  });
});

describe('GET /v1/profile-types/{type}', () => {
  it('shows the schema of a type, and its support status from 1.5', async () => {
    const old = await get<{ profile_type: { name: string; schema: Record<string, Record<string, unknown>> } }>(
      '/v1/profile-types/os.nova.server-1.0',
      '1.4',
    );
    expect(old.status).toBe(200);
    expect(Object.keys(old.body.profile_type).sort()).toEqual(['name', 'schema']);
    expect(old.body.profile_type.name).toBe('os.nova.server-1.0');
    expect(old.body.profile_type.schema.flavor).toMatchObject({ type: 'String', required: true, updatable: true });
    expect(old.body.profile_type.schema.image).toMatchObject({ type: 'String', required: false });
    expect(old.body.profile_type.schema.networks).toMatchObject({ type: 'List', schema: { '*': { type: 'Map' } } });

    const now = await get<{ profile_type: Record<string, unknown> }>('/v1/profile-types/os.nova.server-1.0', '1.5');
    expect(now.body.profile_type).toMatchObject({
      name: 'os.nova.server-1.0',
      support_status: { '1.0': [{ status: 'SUPPORTED', since: '2016.04' }] },
    });
  });

  it('answers 404 for a type it does not know', async () => {
    for (const t of ['58181c56-3166-4478-8981-e1d476065f2b', 'os.nova.server', 'os.nova.server-2.0']) {
      expectFault(
        await get(`/v1/profile-types/${t}`),
        404,
        'ResourceNotFound',
        `The profile_type '${t}' could not be found.`,
      );
    }
  });
});

describe('GET /v1/profile-types/{type}/ops', () => {
  it('lists the operations of a type from 1.4', async () => {
    const a = await get<{ operations: Record<string, { description: string; parameters: Record<string, unknown> }> }>(
      '/v1/profile-types/os.nova.server-1.0/ops',
      '1.4',
    );
    expect(a.status).toBe(200);
    expect(a.body.operations.change_password).toEqual({
      description: expect.any(String),
      parameters: { admin_pass: expect.objectContaining({ type: 'String', required: false }) },
    });
    expect(a.body.operations.reboot.parameters).toMatchObject({
      type: { type: 'String', default: 'SOFT', constraints: [{ type: 'AllowedValues', constraint: ['SOFT', 'HARD'] }] },
    });
  });

  it('does not exist before 1.4', async () => {
    expectFault(
      await get('/v1/profile-types/os.nova.server-1.0/ops', '1.3'),
      400,
      'MethodVersionNotFound',
      "API version '1.3' is not supported on this method.",
    );
  });

  it('answers 400, not 404, for a type it does not know', async () => {
    expectFault(
      await get('/v1/profile-types/bogus-1.0/ops', '1.4'),
      400,
      'BadRequest',
      "The profile_type 'bogus-1.0' could not be found.",
    );
  });
});
