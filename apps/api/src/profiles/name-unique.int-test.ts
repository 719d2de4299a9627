import { freshProject } from '@grove/testing';
import { useGrove } from '../testing/grove-harness';
import { expectFault } from '../testing/senlin-answers';

/** With NAME_UNIQUE (Senlin's name_unique), a name is taken once per project. */
const h = useGrove({ NAME_UNIQUE: 'true' });

const SPEC = {
  type: 'os.nova.server',
  version: '1.0',
  properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk' },
};
const profile = (project: string, name: string) =>
  h.http<{ profile: { id: string } }>('POST', '/v1/profiles', { project, body: { profile: { name, spec: SPEC } } });

describe('NAME_UNIQUE', () => {
  it('refuses a second profile of the same name in a project, not in another', async () => {
    const project = freshProject();
    expect((await profile(project, 'web')).status).toBe(201);
    expectFault(await profile(project, 'web'), 400, 'BadRequest', "A profile named 'web' already exists.");
    expect((await profile(freshProject(), 'web')).status).toBe(201);
  });

  it('refuses to rename a profile to a name that is taken, and lets it keep its own', async () => {
    const project = freshProject();
    await profile(project, 'one');
    const two = (await profile(project, 'two')).body.profile.id;
    const rename = (name: string, metadata?: object) =>
      h.http('PATCH', `/v1/profiles/${two}`, { project, body: { profile: { name, metadata } } });
    expectFault(await rename('one'), 400, 'BadRequest', "A profile named 'one' already exists.");
    expect((await rename('two', { k: 'v' })).status).toBe(200);
    expect((await rename('three')).status).toBe(200);
  });

  it('refuses a second cluster of the same name in a project, in Senlin’s words', async () => {
    const project = freshProject();
    await profile(project, 'p');
    const cluster = () =>
      h.http('POST', '/v1/clusters', { project, body: { cluster: { name: 'c', profile_id: 'p' } } });
    expect((await cluster()).status).toBe(202);
    expectFault(await cluster(), 400, 'BadRequest', "a cluster named 'c' already exists.");
  });

  it('refuses to adopt a resource as a node of a name that is taken, before looking at the resource', async () => {
    const project = freshProject();
    await profile(project, 'p');
    expect(
      (await h.http('POST', '/v1/nodes', { project, body: { node: { name: 'n', profile_id: 'p' } } })).status,
    ).toBe(202);
    expectFault(
      await h.http('POST', '/v1/nodes/adopt', {
        project,
        version: '1.7',
        body: { identity: 'not-looked-at', type: 'os.nova.server-1.0', name: 'n' },
      }),
      400,
      'BadRequest',
      'The node named (n) already exists.',
    );
  });
});
