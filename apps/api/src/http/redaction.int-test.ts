import { freshProject } from '@grove/testing';
import { actionOf, useGrove } from '../testing/grove-harness';

/** Secrets a spec carries never come back: not in the profile, not in a node's details, not in attrs. */
const h = useGrove();

const SPEC = {
  type: 'os.heat.stack',
  version: '1.0',
  properties: {
    template: {
      heat_template_version: '2016-10-14',
      parameters: {
        Seed: { type: 'string', hidden: true, default: 'seed-default' },
        DBPassword: { type: 'string', default: 'pw-default' },
        Flavor: { type: 'string', default: 'm1.tiny' },
        api_token: { type: 'string', default: 'tok-default' },
      },
      resources: { nothing: { type: 'OS::Heat::None' } },
    },
    parameters: { Seed: 'seed-given', DBPassword: 'pw-given', Flavor: 'm1.small' },
    environment: { parameters: { api_token: 'tok-given' } },
  },
};
const CLEAR = ['seed-default', 'pw-default', 'tok-default', 'seed-given', 'pw-given', 'tok-given'];

const leaks = (body: unknown) => CLEAR.filter((s) => JSON.stringify(body).includes(s));

describe('redaction of secrets in answers', () => {
  const project = freshProject();
  let profileId = '';
  let clusterId = '';

  beforeAll(async () => {
    const p = await h.http<{ profile: { id: string } }>('POST', '/v1/profiles', {
      project,
      body: { profile: { name: 'stack', spec: SPEC } },
    });
    expect(p.status).toBe(201);
    profileId = p.body.profile.id;
    const c = await h.http<{ cluster: { id: string } }>('POST', '/v1/clusters', {
      project,
      body: { cluster: { name: 'stacks', profile_id: profileId, desired_capacity: 1 } },
    });
    clusterId = c.body.cluster.id;
    expect((await h.waitForAction(actionOf(c), { project })).status).toBe('SUCCEEDED');
  }, 60_000);

  it('masks hidden and secret-named parameters in the profile, shown and listed', async () => {
    const shown = await h.http<{ profile: { spec: typeof SPEC } }>('GET', `/v1/profiles/${profileId}`, { project });
    expect(shown.body.profile.spec.properties.parameters).toEqual({
      Seed: '***',
      DBPassword: '***',
      Flavor: 'm1.small',
    });
    expect(shown.body.profile.spec.properties.environment).toEqual({ parameters: { api_token: '***' } });
    expect(shown.body.profile.spec.properties.template.parameters).toEqual({
      Seed: { type: 'string', hidden: true, default: '***' },
      DBPassword: { type: 'string', default: '***' },
      Flavor: { type: 'string', default: 'm1.tiny' },
      api_token: { type: 'string', default: '***' },
    });
    expect(leaks(shown.body)).toEqual([]);
    expect(leaks((await h.http('GET', '/v1/profiles', { project })).body)).toEqual([]);
  });

  it('masks them in node details and in the attributes collected from them', async () => {
    const nodes = await h.http<{ nodes: { id: string }[] }>('GET', `/v1/nodes?cluster_id=${clusterId}`, { project });
    const node = await h.http<{ node: { details: { parameters?: Record<string, unknown> } } }>(
      'GET',
      `/v1/nodes/${nodes.body.nodes[0].id}?show_details=true`,
      { project },
    );
    expect(node.status).toBe(200);
    expect(node.body.node.details.parameters).toMatchObject({ DBPassword: '***', Flavor: 'm1.small' });
    expect(leaks(node.body)).toEqual([]);
    const attrs = await h.http<{ cluster_attributes: { value: unknown }[] }>(
      'GET',
      `/v1/clusters/${clusterId}/attrs/details.parameters`,
      { project, version: '1.2' },
    );
    expect(attrs.body.cluster_attributes).toHaveLength(1);
    expect(attrs.body.cluster_attributes[0].value).toMatchObject({ DBPassword: '***' });
    expect(leaks(attrs.body)).toEqual([]);
  });
});
