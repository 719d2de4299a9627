import { freshProject } from '@grove/testing';
import { actionOf, useGrove } from '../testing/grove-harness';

/** A container profile names its Docker host; the host may not go while the profile is there. */
const h = useGrove();

const SERVER = {
  type: 'os.nova.server',
  version: '1.0',
  properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk' },
};
const container = (host: Record<string, string>) => ({
  type: 'container.dockerinc.docker',
  version: '1.0',
  properties: { image: 'nginx', ...host },
});

describe('a Docker profile and its host', () => {
  it('is refused when the host it names does not exist in the project', async () => {
    const project = freshProject();
    const res = await h.http<{ error: { message: string } }>('POST', '/v1/profiles', {
      project,
      body: { profile: { name: 'c', spec: container({ host_cluster: 'nowhere' }) } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^Failed in creating profile c: .*nowhere/);
  });

  it('keeps its host cluster from being deleted until the profile is', async () => {
    const project = freshProject();
    await h.http('POST', '/v1/profiles', { project, body: { profile: { name: 'vm', spec: SERVER } } });
    const made = await h.http<{ cluster: { id: string } }>('POST', '/v1/clusters', {
      project,
      body: { cluster: { name: 'hosts', profile_id: 'vm', desired_capacity: 1 } },
    });
    expect((await h.waitForAction(actionOf(made), { project })).status).toBe('SUCCEEDED');

    const profile = await h.http<{ profile: { id: string } }>('POST', '/v1/profiles', {
      project,
      body: { profile: { name: 'web', spec: container({ host_cluster: 'hosts' }) } },
    });
    expect(profile.status).toBe(201);
    const cluster = await h.http<{ cluster: { dependents: { profiles?: string[] } } }>('GET', '/v1/clusters/hosts', {
      project,
    });
    expect(cluster.body.cluster.dependents.profiles).toEqual([profile.body.profile.id]);

    const refused = await h.http<{ error: { type: string } }>('DELETE', '/v1/clusters/hosts', { project });
    expect(refused.status).toBe(409);
    expect(refused.body.error.type).toBe('ResourceInUse');

    expect((await h.http('DELETE', '/v1/profiles/web', { project })).status).toBe(204);
    expect(
      (await h.http<{ cluster: { dependents: object } }>('GET', '/v1/clusters/hosts', { project })).body.cluster
        .dependents,
    ).toEqual({});
    const deleted = await h.http('DELETE', '/v1/clusters/hosts', { project });
    expect(deleted.status).toBe(202);
    expect((await h.waitForAction(actionOf(deleted), { project })).status).toBe('SUCCEEDED');
  });
});
