import { CloudError, CloudResourceFailed } from '@grove/core';
import type { CloudConnector, CloudDrivers, OrchestrationDriver } from '@grove/drivers';

/** A Heat to run the contract against, reached through Keystone's catalog as in production. */
export interface OrchestrationUnderTest {
  /** A new connector (the contract closes it); each has its own drivers and its own stack paths. */
  connect(): CloudConnector;
  region: string;
}

/** Resources that exist in Heat alone: no Nova, Neutron or Swift needed. */
const TEMPLATE = {
  heat_template_version: '2018-08-31',
  description: 'Grove orchestration driver contract',
  parameters: {
    length: { type: 'number', default: 8 },
    greeting: { type: 'string', default: 'hello' },
  },
  resources: {
    secret: { type: 'OS::Heat::RandomString', properties: { length: { get_param: 'length' } } },
    said: { type: 'OS::Heat::Value', properties: { value: { get_param: 'greeting' } } },
    stored: { type: 'OS::Heat::TestResource', properties: { value: { get_param: 'greeting' } } },
    nothing: { type: 'OS::Heat::None' },
  },
  outputs: {
    secret: { value: { get_attr: ['secret', 'value'] } },
    said: { value: { get_attr: ['said', 'value'] } },
    stored: { value: { get_attr: ['stored', 'output'] } },
  },
};

/** A template whose one resource fails its create. */
const FAILING = {
  heat_template_version: '2018-08-31',
  resources: { doomed: { type: 'OS::Heat::TestResource', properties: { fail: true } } },
};

/**
 * Grove's Heat driver as a contract, run against the simulator's Heat (int tests) and Debian's
 * (test/clouds): stacks created from parameters and tags, read back by id, tag and name, with
 * their sources; PATCH updates that keep or clear parameters; checks, validation, a failing
 * stack, deletion and abandoning.
 */
export function describeOrchestrationDriver(name: string, heat: () => OrchestrationUnderTest): void {
  describe(`the Heat driver (${name})`, () => {
    const run = crypto.randomUUID().slice(0, 8);
    const connectors: CloudConnector[] = [];
    const made: string[] = [];
    let u: OrchestrationUnderTest;
    let cloud: CloudDrivers;
    let d: OrchestrationDriver;
    const wait = () => cloud.wait(120_000);
    const stackName = (suffix: string) => `grove-contract-${run}-${suffix}`;

    /** Another connector's driver: it knows no stack paths yet, so it goes through Heat's redirect. */
    const fresh = (): OrchestrationDriver => {
      const c = u.connect();
      connectors.push(c);
      return c.forRegion(u.region).orchestration;
    };

    beforeAll(() => {
      u = heat();
      const c = u.connect();
      connectors.push(c);
      cloud = c.forRegion(u.region);
      d = cloud.orchestration;
    });
    afterAll(async () => {
      for (const id of made) await d?.deleteStack(id).catch(() => undefined);
      for (const c of connectors) await c.close();
    });

    const create = async (suffix: string, o: { parameters?: Record<string, unknown>; tags?: string[] } = {}) => {
      const { id } = await d.createStack({
        name: stackName(suffix),
        template: TEMPLATE,
        parameters: o.parameters,
        tags: o.tags ?? [run, suffix],
      });
      made.push(id);
      return id;
    };

    it('creates a stack from parameters and tags, with its outputs, and finds it by id, tags and name', async () => {
      const id = await create('made', { parameters: { length: 5, greeting: 'hi' } });
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      const s = await d.waitForStack(id, ['CREATE_COMPLETE'], wait());
      expect(s).toMatchObject({
        id,
        name: stackName('made'),
        status: 'CREATE_COMPLETE',
        statusReason: 'Stack CREATE completed successfully',
        tags: [run, 'made'],
        outputs: { said: 'hi', stored: 'hi' },
      });
      expect(s.outputs.secret).toMatch(/^[A-Za-z0-9]{5}$/);
      // Heat shows every parameter as a string, with its pseudo parameters.
      expect(s.parameters).toMatchObject({ length: '5', greeting: 'hi', 'OS::stack_id': id });

      const resources = await d.listStackResources(id);
      expect(resources?.map((r) => [r.name, r.type]).sort()).toEqual([
        ['nothing', 'OS::Heat::None'],
        ['said', 'OS::Heat::Value'],
        ['secret', 'OS::Heat::RandomString'],
        ['stored', 'OS::Heat::TestResource'],
      ]);
      expect(resources?.find((r) => r.name === 'stored')?.physicalId).toMatch(
        new RegExp(`^${stackName('made')}-stored-[a-z0-9]{12}$`),
      );

      const again = await fresh().getStack(id);
      expect(again).toMatchObject({ id, status: 'CREATE_COMPLETE', outputs: s.outputs });
      expect((await d.listStacks({ tags: [run, 'made'] })).map((x) => x.id)).toEqual([id]);
      expect(await d.listStacks({ tags: [run, 'no-such-tag'] })).toEqual([]);
      const byName = await d.listStacks({ name: stackName('made') });
      expect(byName.map((x) => [x.id, x.status, x.tags])).toEqual([[id, 'CREATE_COMPLETE', [run, 'made']]]);
    }, 180_000);

    it('gives back the template, the environment with the given parameters, and the files', async () => {
      const id = await create('sources', { parameters: { greeting: 'hey' } });
      await d.waitForStack(id, ['CREATE_COMPLETE'], wait());
      const sources = await fresh().getStackSources(id);
      expect(sources?.template).toEqual(TEMPLATE);
      expect(sources?.environment).toMatchObject({ parameters: { greeting: 'hey' }, parameter_defaults: {} });
      expect(sources?.files).toEqual({});
      expect(await d.getStackSources('00000000-0000-4000-8000-00000000abcd')).toBeNull();
    }, 180_000);

    it('updates with a PATCH that keeps what it leaves out, clears parameters on demand, and checks', async () => {
      const id = await create('patched', { parameters: { length: 6, greeting: 'hi' } });
      const before = await d.waitForStack(id, ['CREATE_COMPLETE'], wait());
      await d.updateStack(id, { parameters: { greeting: 'bonjour' } });
      let s = await d.waitForStack(id, ['UPDATE_COMPLETE'], wait());
      expect(s.parameters).toMatchObject({ length: '6', greeting: 'bonjour' });
      expect(s.outputs).toMatchObject({ said: 'bonjour', stored: 'bonjour', secret: before.outputs.secret });
      expect(s.tags).toEqual([run, 'patched']);

      await d.updateStack(id, { clearParameters: ['greeting'], tags: [run, 'patched', 'v2'] });
      s = await d.waitForStack(id, ['UPDATE_COMPLETE'], wait());
      expect(s.parameters).toMatchObject({ length: '6', greeting: 'hello' });
      expect(s.outputs).toMatchObject({ said: 'hello' });
      expect(s.tags).toEqual([run, 'patched', 'v2']);
      expect((await d.getStackSources(id))?.environment).toMatchObject({ parameters: { length: 6 } });

      await d.checkStack(id);
      s = await d.waitForStack(id, ['CHECK_COMPLETE'], wait());
      expect(s.statusReason).toMatch(/^Stack CHECK completed successfully/);
    }, 240_000);

    it('validates a template, and says what is wrong with a bad one', async () => {
      await expect(d.validateTemplate({ template: TEMPLATE })).resolves.toBeUndefined();
      const refusal = async (template: Record<string, unknown>) => {
        const err = (await d.validateTemplate({ template }).catch((e: unknown) => e)) as CloudError;
        expect(err).toBeInstanceOf(CloudError);
        expect(err.httpStatus).toBe(400);
        return err.message;
      };
      const v = TEMPLATE.heat_template_version;
      expect(await refusal({ heat_template_version: v, resources: { x: { type: 'OS::No::Such' } } })).toContain(
        'The Resource Type (OS::No::Such) could not be found.',
      );
      expect(
        await refusal({
          heat_template_version: v,
          resources: { r: { type: 'OS::Heat::RandomString' } },
          outputs: { o: { value: { get_attr: ['r', 'nope'] } } },
        }),
      ).toContain('outputs.o.value.get_attr: The Referenced Attribute (r nope) is incorrect.');
      const value = (properties: Record<string, unknown>) => ({
        heat_template_version: v,
        resources: { x: { type: 'OS::Heat::Value', properties } },
      });
      expect(await refusal(value({ value: 1, bogus: 2 }))).toContain(
        'Property error: resources.x.properties: Unknown Property bogus',
      );
      // Validation looks at property names, not values (a missing one, here): the create does.
      await expect(d.validateTemplate({ template: value({}) })).resolves.toBeUndefined();
      // OS::Heat::None stands in for any type: any property, any attribute.
      await expect(
        d.validateTemplate({
          template: {
            heat_template_version: v,
            resources: { n: { type: 'OS::Heat::None', properties: { anything: 1 } } },
            outputs: { o: { value: { get_attr: ['n', 'whatever'] } } },
          },
        }),
      ).resolves.toBeUndefined();
      expect(await refusal({ heat_template_version: '2099-01-01', resources: {} })).toContain(
        'The template version is invalid',
      );
    }, 60_000);

    it('ends the wait for a failing stack with CloudResourceFailed and Heat’s reason', async () => {
      const { id } = await d.createStack({
        name: stackName('failing'),
        template: FAILING,
        disableRollback: true,
        tags: [run],
      });
      made.push(id);
      const err = (await d.waitForStack(id, ['CREATE_COMPLETE'], wait()).catch((e: unknown) => e)) as Error;
      expect(err).toBeInstanceOf(CloudResourceFailed);
      expect(err.message).toBe(
        `Stack ${id} is CREATE_FAILED: Resource CREATE failed: ValueError: resources.doomed: Test Resource failed doomed`,
      );
      expect((await d.getStack(id))?.statusReason).toBe(
        'Resource CREATE failed: ValueError: resources.doomed: Test Resource failed doomed',
      );
      // A failed stack deletes like any other.
      await d.deleteStack(id);
      await d.waitForStackGone(id, wait());
    }, 180_000);

    it('deletes a stack, waits until it is gone, and a second delete is no error', async () => {
      const id = await create('deleted');
      await d.waitForStack(id, ['CREATE_COMPLETE'], wait());
      await d.deleteStack(id);
      await d.waitForStackGone(id, wait());
      // Heat still shows a deleted stack by its id, as DELETE_COMPLETE; it no longer lists it.
      expect((await d.getStack(id))?.status).toBe('DELETE_COMPLETE');
      expect((await fresh().getStack(id))?.status).toBe('DELETE_COMPLETE');
      expect(await d.listStacks({ name: stackName('deleted') })).toEqual([]);
      await d.deleteStack(id);
      await fresh().deleteStack(id);
      expect(await d.getStack('00000000-0000-4000-8000-00000000abcd')).toBeNull();
      await d.deleteStack('00000000-0000-4000-8000-00000000abcd');
    }, 180_000);

    it('abandons a stack: Heat hands back its data and forgets it', async () => {
      const id = await create('abandoned', { parameters: { greeting: 'bye' } });
      await d.waitForStack(id, ['CREATE_COMPLETE'], wait());
      const data = await d.abandonStack(id);
      expect(data).toMatchObject({
        id,
        name: stackName('abandoned'),
        action: 'CREATE',
        status: 'COMPLETE',
        template: TEMPLATE,
        tags: [run, 'abandoned'],
      });
      expect(Object.keys(data.resources as Record<string, unknown>).sort()).toEqual([
        'nothing',
        'said',
        'secret',
        'stored',
      ]);
      // Heat forgets it in the background: it may still list it for a moment.
      await d.waitForStackGone(id, wait());
      expect(await d.listStacks({ name: stackName('abandoned') })).toEqual([]);
      expect((await d.getStack(id))?.status).toBe('DELETE_COMPLETE');
    }, 180_000);
  });
}
