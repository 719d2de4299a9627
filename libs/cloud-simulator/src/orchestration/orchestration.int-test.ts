import { useSimulator } from '../testing/simulator-fixture';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const TEMPLATE = {
  heat_template_version: '2016-10-14',
  description: 'one server',
  parameters: {
    flavor: { type: 'string', default: 'm1.tiny' },
    greeting: { type: 'string', default: 'hello' },
    count: { type: 'number', default: 1, constraints: [{ range: { min: 1, max: 5 } }] },
  },
  resources: {
    password: { type: 'OS::Heat::RandomString', properties: { length: 12 } },
    port: { type: 'OS::Neutron::Port', properties: { network: 'private' } },
    server: {
      type: 'OS::Nova::Server',
      properties: {
        flavor: { get_param: 'flavor' },
        image: 'cirros-0.6.2-x86_64-disk',
        networks: [{ port: { get_resource: 'port' } }],
        metadata: { role: 'web', stack: { get_param: 'OS::stack_name' } },
      },
    },
    marker: { type: 'OS::Heat::None', depends_on: 'server' },
    answer: {
      type: 'OS::Heat::Value',
      properties: { value: { str_replace: { template: 'say $g', params: { $g: { get_param: 'greeting' } } } } },
    },
  },
  outputs: {
    fixed_ip: { value: { get_attr: ['server', 'first_address'] }, description: 'where it is' },
    name: { value: { get_attr: ['server', 'name'] } },
    nets: { value: { get_attr: ['server', 'networks', 'private', 0] } },
    password: { value: { get_attr: ['password', 'value'] } },
    greeting: { value: { get_param: 'greeting' } },
    answer: { value: { get_attr: ['answer', 'value'] } },
    literal: { value: 42 },
    joined: { value: { list_join: ['-', ['a', { get_param: 'greeting' }]] } },
  },
};

describe('Heat v1', () => {
  const f = useSimulator();
  let heat: string;

  beforeAll(() => {
    heat = `/RegionOne/orchestration/v1/${f.projectId}`;
  });
  beforeEach(() => f.sim.admin.reset());

  const create = (body: Record<string, unknown>) =>
    f.call('POST', `${heat}/stacks`, { body: { stack_name: 'web', template: TEMPLATE, ...body } });
  const show = async (id: string) => {
    const lookup = await f.call('GET', `${heat}/stacks/${id}`);
    if (lookup.status !== 302) return lookup;
    return f.call('GET', new URL(lookup.headers.get('location')!).pathname);
  };

  it('creates a stack whose server appears in Nova, and resolves its outputs', async () => {
    f.sim.admin.updateConfig({ build_time_ms: 200 });
    const res = await create({ tags: 'cluster_id=c1,node=n1', parameters: { greeting: 'hi' }, timeout_mins: 10 });
    expect(res.status).toBe(201);
    const { id, links } = res.body.stack;
    expect(links[0]).toEqual({ href: `${f.sim.url}${heat}/stacks/web/${id}`, rel: 'self' });

    const redirect = await f.call('GET', `${heat}/stacks/web`);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe(`${f.sim.url}${heat}/stacks/web/${id}`);
    expect((await f.call('GET', `${heat}/stacks/${id}`)).headers.get('location')).toBe(
      `${f.sim.url}${heat}/stacks/web/${id}`,
    );

    const inProgress = (await show(id)).body.stack;
    expect(inProgress).toMatchObject({
      stack_status: 'CREATE_IN_PROGRESS',
      stack_status_reason: 'Stack CREATE started',
    });
    await sleep(250);
    const stack = (await show(id)).body.stack;
    expect(stack).toMatchObject({
      id,
      stack_name: 'web',
      stack_status: 'CREATE_COMPLETE',
      stack_status_reason: 'Stack CREATE completed successfully',
      tags: ['cluster_id=c1', 'node=n1'],
      timeout_mins: 10,
      disable_rollback: true,
      parent: null,
      stack_owner: 'admin',
      template_description: 'one server',
      parameters: {
        greeting: 'hi',
        flavor: 'm1.tiny',
        count: '1',
        'OS::stack_name': 'web',
        'OS::stack_id': id,
        'OS::project_id': f.projectId,
      },
    });
    const outputs = Object.fromEntries(
      stack.outputs.map((o: { output_key: string; output_value: unknown }) => [o.output_key, o.output_value]),
    );
    expect(outputs.fixed_ip).toMatch(/^127\.10\./);
    expect(outputs.nets).toBe(outputs.fixed_ip);
    expect(outputs.name).toMatch(/^web-server-[a-z0-9]{12}$/);
    expect(outputs.password).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(outputs).toMatchObject({ greeting: 'hi', answer: 'say hi', literal: 42, joined: 'a-hi' });
    expect(stack.outputs.find((o: { output_key: string }) => o.output_key === 'fixed_ip').description).toBe(
      'where it is',
    );

    const servers = (await f.call('GET', '/RegionOne/compute/v2.1/servers/detail')).body.servers;
    expect(servers).toHaveLength(1);
    expect(servers[0]).toMatchObject({ name: outputs.name, status: 'ACTIVE', metadata: { role: 'web', stack: 'web' } });
    expect(servers[0].addresses.private[0].addr).toBe(outputs.fixed_ip);

    const resources = (await f.call('GET', `${heat}/stacks/web/${id}/resources`)).body.resources;
    expect(resources.map((r: { resource_name: string }) => r.resource_name).sort()).toEqual([
      'answer',
      'marker',
      'password',
      'port',
      'server',
    ]);
    expect(resources.find((r: { resource_name: string }) => r.resource_name === 'server')).toMatchObject({
      resource_type: 'OS::Nova::Server',
      physical_resource_id: servers[0].id,
      resource_status: 'CREATE_COMPLETE',
      required_by: ['marker'],
    });
    expect(f.sim.admin.resources({ type: 'stacks', tags: ['cluster_id=c1'] }).stacks!.map((s) => s.id)).toEqual([id]);
  });

  it('lists stacks with Heat’s tag, name and status filters', async () => {
    const a = (await create({ stack_name: 'a', tags: ['x', 'y'] })).body.stack.id;
    const b = (await create({ stack_name: 'b', tags: ['x'] })).body.stack.id;
    const ids = async (q: string) =>
      (await f.call('GET', `${heat}/stacks${q}`)).body.stacks.map((s: { id: string }) => s.id);
    expect(await ids('')).toEqual([b, a]);
    expect(await ids('?tags=x,y')).toEqual([a]);
    expect(await ids('?tags_any=y,z')).toEqual([a]);
    expect(await ids('?not_tags=y')).toEqual([b]);
    expect(await ids('?name=b')).toEqual([b]);
    expect(await ids('?status=CREATE_COMPLETE')).toEqual([b, a]);
    expect(await ids('?status=FAILED')).toEqual([]);
    const listed = (await f.call('GET', `${heat}/stacks`)).body.stacks[0];
    expect(listed.outputs).toBeUndefined();
    expect(listed).toMatchObject({ stack_name: 'b', stack_status: 'CREATE_COMPLETE', tags: ['x'] });
  });

  it('answers Heat’s 400s for bad templates and parameters', async () => {
    const check = async (body: Record<string, unknown>, type: string, message: string) => {
      const res = await create(body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        code: 400,
        title: 'Bad Request',
        explanation:
          'The server could not comply with the request since it is either malformed or otherwise incorrect.',
        error: { type, message, traceback: null },
      });
    };
    const broken = (resources: Record<string, unknown>) => ({
      template: { heat_template_version: '2016-10-14', resources },
    });
    await check(
      broken({ x: { type: 'OS::Nova::Serverr' } }),
      'StackValidationFailed',
      'The Resource Type (OS::Nova::Serverr) could not be found.',
    );
    await check(
      broken({ x: { type: 'constructor' } }),
      'StackValidationFailed',
      'The Resource Type (constructor) could not be found.',
    );
    await check(
      { template: { resources: {} } },
      'InvalidTemplateVersion',
      'The template version is invalid: Template version was not provided',
    );
    await check(
      { parameters: { nope: 1 } },
      'UnknownUserParameter',
      'The Parameter (nope) was not defined in template.',
    );
    await check(
      { parameters: { count: 9 } },
      'StackValidationFailed',
      "Parameter 'count' is invalid: The value (9) is out of range (min: 1, max: 5).",
    );
    await check(
      { parameters: { flavor: 'm1.huge' } },
      'StackValidationFailed',
      "Property error: resources.server.properties.flavor: Error validating value 'm1.huge': The Flavor (m1.huge) could not be found.",
    );
    await check(
      broken({ s: { type: 'OS::Nova::Server', properties: { image: 'x' } } }),
      'StackValidationFailed',
      'Property error: resources.s.properties: Property flavor not assigned',
    );
    await check(
      broken({ s: { type: 'OS::Heat::None', properties: { a: { get_resource: 'ghost' } } } }),
      'InvalidTemplateReference',
      'The specified reference "ghost" (in s) is incorrect.',
    );
    await check(
      {
        template: {
          heat_template_version: '2016-10-14',
          resources: { s: { type: 'OS::Heat::RandomString' } },
          outputs: { o: { value: { get_attr: ['s', 'nope'] } } },
        },
      },
      'StackValidationFailed',
      'outputs.o.value.get_attr: : The Referenced Attribute (s nope) is incorrect.',
    );
    await check(
      broken({ a: { type: 'OS::Heat::None', depends_on: 'b' }, b: { type: 'OS::Heat::None', depends_on: 'a' } }),
      'CircularDependencyException',
      'Circular Dependency Found: a, b',
    );
    const missing = await f.call('POST', `${heat}/stacks`, { body: { template: TEMPLATE } });
    expect(missing.body.error).toMatchObject({ type: 'HTTPBadRequest', message: 'No stack name specified' });
    const url = await f.call('POST', `${heat}/stacks`, {
      body: { stack_name: 'u', template_url: 'http://example.com/t.yaml' },
    });
    expect(url.body.error.message).toBe(
      'Could not retrieve template: Failed to retrieve template: http://example.com/t.yaml',
    );
    expect(f.sim.admin.resources({ type: 'servers' }).servers).toEqual([]);
  });

  it('refuses a second stack of the same name', async () => {
    await create({});
    const again = await create({});
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ type: 'StackExists', message: 'The Stack (web) already exists.' });
  });

  it('reads template_url when it is one of the simulator’s own template documents', async () => {
    f.sim.admin.putTemplate('one-server', TEMPLATE);
    const res = await f.call('POST', `${heat}/stacks`, {
      body: { stack_name: 'fromurl', template_url: `${f.sim.url}/admin/templates/one-server` },
    });
    expect(res.status).toBe(201);
  });

  it('updates in place with PATCH and PUT, resizing the server for a new flavor', async () => {
    const id = (await create({ parameters: { greeting: 'hi' } })).body.stack.id;
    const serverId = (await f.call('GET', `${heat}/stacks/web/${id}/resources/server`)).body.resource
      .physical_resource_id;
    f.sim.admin.updateConfig({ build_time_ms: 200 });
    const patched = await f.call('PATCH', `${heat}/stacks/web/${id}`, {
      body: { parameters: { flavor: 'm1.small' }, tags: ['v2'] },
    });
    expect(patched.status).toBe(202);
    expect((await show(id)).body.stack.stack_status).toBe('UPDATE_IN_PROGRESS');
    const busy = await f.call('PATCH', `${heat}/stacks/web/${id}`, { body: {} });
    expect(busy.status).toBe(409);
    expect(busy.body.error).toMatchObject({
      type: 'ActionInProgress',
      message: 'Stack web already has an action (UPDATE) in progress.',
    });
    await sleep(250);
    const updated = (await show(id)).body.stack;
    expect(updated).toMatchObject({
      stack_status: 'UPDATE_COMPLETE',
      tags: ['v2'],
      parameters: { greeting: 'hi', flavor: 'm1.small' },
    });
    expect(updated.updated_time).not.toBeNull();
    const server = (await f.call('GET', `/RegionOne/compute/v2.1/servers/${serverId}`)).body.server;
    expect(server).toMatchObject({ status: 'ACTIVE', flavor: { id: '2' } });

    f.sim.admin.updateConfig({ build_time_ms: 0 });
    // PUT replaces: the parameters not given go back to their defaults.
    expect((await f.call('PUT', `${heat}/stacks/web/${id}`, { body: { template: TEMPLATE } })).status).toBe(202);
    const replaced = (await show(id)).body.stack;
    expect(replaced.parameters).toMatchObject({ greeting: 'hello', flavor: 'm1.tiny' });
    // The stack shows no tags as [] (a listing as null).
    expect(replaced.tags).toEqual([]);

    const smaller = { ...TEMPLATE, resources: { port: TEMPLATE.resources.port }, outputs: {} };
    await f.call('PUT', `${heat}/stacks/web/${id}`, { body: { template: smaller } });
    expect((await show(id)).body.stack.stack_status).toBe('UPDATE_COMPLETE');
    expect((await f.call('GET', `/RegionOne/compute/v2.1/servers/${serverId}`)).status).toBe(404);
  });

  it('checks, suspends and resumes a stack', async () => {
    const id = (await create({})).body.stack.id;
    const act = (body: unknown) => f.call('POST', `${heat}/stacks/web/${id}/actions`, { body });
    expect((await act({ check: null })).status).toBe(200);
    expect((await show(id)).body.stack.stack_status).toBe('CHECK_COMPLETE');
    await act({ suspend: null });
    expect((await show(id)).body.stack.stack_status).toBe('SUSPEND_COMPLETE');
    const serverId = (await f.call('GET', `${heat}/stacks/web/${id}/resources/server`)).body.resource
      .physical_resource_id;
    expect((await f.call('GET', `/RegionOne/compute/v2.1/servers/${serverId}`)).body.server.status).toBe('SUSPENDED');
    await act({ resume: null });
    expect((await show(id)).body.stack.stack_status).toBe('RESUME_COMPLETE');
    f.sim.admin.setServerStatus(serverId, 'ERROR');
    await act({ check: null });
    const failed = (await show(id)).body.stack;
    expect(failed.stack_status).toBe('CHECK_FAILED');
    expect(failed.stack_status_reason).toContain('resources.server');
    expect((await act({})).body.error.message).toBe('No action specified');
    expect((await act({ explode: null })).body.error.message).toBe('Invalid action explode specified');
  });

  it('deletes a stack with its server, and shows it DELETE_COMPLETE afterwards', async () => {
    f.sim.admin.updateConfig({ delete_time_ms: 200 });
    const id = (await create({})).body.stack.id;
    const serverId = (await f.call('GET', `${heat}/stacks/web/${id}/resources/server`)).body.resource
      .physical_resource_id;
    expect((await f.call('DELETE', `${heat}/stacks/web/${id}`)).status).toBe(204);
    expect((await f.call('GET', `${heat}/stacks/web/${id}`)).body.stack.stack_status).toBe('DELETE_IN_PROGRESS');
    await sleep(250);
    const deleted = await f.call('GET', `${heat}/stacks/web/${id}`);
    expect(deleted.body.stack).toMatchObject({ stack_status: 'DELETE_COMPLETE', deletion_time: expect.any(String) });
    expect(deleted.body.stack.outputs).toBeUndefined();
    expect((await f.call('GET', `${heat}/stacks/web`)).status).toBe(404);
    expect((await f.call('GET', `${heat}/stacks`)).body.stacks).toEqual([]);
    expect((await f.call('GET', `/RegionOne/compute/v2.1/servers/${serverId}`)).status).toBe(404);
    expect(f.sim.admin.resources({ type: 'ports' }).ports).toEqual([]);
  });

  it('takes the simulated_wait_time parameter or tag as its wait', async () => {
    const byParam = (await create({ stack_name: 'p', parameters: { simulated_wait_time: 0.3 } })).body.stack.id;
    const byTag = (await create({ stack_name: 't', tags: ['simulated_wait_time=0.3'] })).body.stack.id;
    expect((await show(byParam)).body.stack.stack_status).toBe('CREATE_IN_PROGRESS');
    expect((await show(byTag)).body.stack.stack_status).toBe('CREATE_IN_PROGRESS');
    await sleep(350);
    expect((await show(byParam)).body.stack.stack_status).toBe('CREATE_COMPLETE');
    expect((await show(byTag)).body.stack.stack_status).toBe('CREATE_COMPLETE');
  });

  it('fails the create when its server goes to ERROR, and rolls back when asked to', async () => {
    f.sim.admin.updateConfig({ build_failure_rate: 1 });
    const kept = (await create({ stack_name: 'kept' })).body.stack.id;
    const failed = (await show(kept)).body.stack;
    expect(failed.stack_status).toBe('CREATE_FAILED');
    expect(failed.stack_status_reason).toMatch(
      /^Resource CREATE failed: ResourceInError: resources\.server: Went to status ERROR due to "Message: .*, Code: 500"$/,
    );
    const rolled = (await create({ stack_name: 'rolled', disable_rollback: false })).body.stack.id;
    expect((await show(rolled)).body.stack).toMatchObject({ stack_status: 'ROLLBACK_COMPLETE' });
  });

  it('abandons a stack: Heat forgets it, its server stays', async () => {
    const id = (await create({})).body.stack.id;
    const data = await f.call('DELETE', `${heat}/stacks/web/${id}/abandon`);
    expect(data.status).toBe(200);
    expect(data.body).toMatchObject({ id, name: 'web', action: 'CREATE', status: 'COMPLETE', template: TEMPLATE });
    const serverId = data.body.resources.server.resource_id;
    expect(data.body.resources.server).toMatchObject({ type: 'OS::Nova::Server', status: 'COMPLETE' });
    expect((await f.call('GET', `${heat}/stacks/web`)).status).toBe(404);
    expect((await f.call('GET', `/RegionOne/compute/v2.1/servers/${serverId}`)).body.server.status).toBe('ACTIVE');
  });

  it('validates and previews templates', async () => {
    const v = await f.call('POST', `${heat}/validate`, { body: { template: TEMPLATE } });
    expect(v.status).toBe(200);
    expect(v.body).toMatchObject({
      Description: 'one server',
      Parameters: {
        flavor: { Type: 'String', Default: 'm1.tiny', NoEcho: 'false' },
        count: { Type: 'Number', MinValue: 1, MaxValue: 5 },
      },
    });
    const bad = await f.call('POST', `${heat}/validate`, {
      body: { template: { heat_template_version: '2016-10-14', resources: { x: { type: 'Nope' } } } },
    });
    expect(bad.status).toBe(400);
    const preview = await f.call('POST', `${heat}/stacks/preview`, { body: { stack_name: 'pre', template: TEMPLATE } });
    expect(preview.status).toBe(200);
    expect(preview.body.stack.resources.map((r: { resource_name: string }) => r.resource_name)).toEqual(
      expect.arrayContaining(['server', 'port']),
    );
    expect(f.sim.admin.resources({ type: 'stacks' }).stacks).toEqual([]);
  });

  it('answers 403 for another project’s path and 404 for an unknown stack', async () => {
    const demo = await f.login({ user: 'demo', project: 'demo' });
    expect((await f.call('GET', `${heat}/stacks`, { token: demo.token })).status).toBe(403);
    const unknown = await f.call('GET', `${heat}/stacks/nothing`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({
      type: 'EntityNotFound',
      message: 'The Stack (nothing) could not be found.',
    });
  });
});
