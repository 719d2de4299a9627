import { useGrove } from '../../src/testing/grove-harness';
import { clusterWorld, type NodeView } from './cluster-world';

const h = useGrove();

const { ended, succeeded, world, clusterOf, membersOf, expectCloudMatches, SPEC } = clusterWorld(h);

const BIG = { ...SPEC, properties: { ...SPEC.properties, flavor: 'm1.small' } };
const OTHER_PASS = { ...SPEC, properties: { ...SPEC.properties, admin_pass: 'changed-at-boot-only' } };

/** The flavor id of a node's server, as `show_details` reads it from Nova. */
async function flavorOf(project: string, nodeId: string): Promise<string> {
  const { body } = await h.http<{ node: { details: { flavor: string } } }>(
    'GET',
    `/v1/nodes/${nodeId}?show_details=true`,
    { project },
  );
  return body.node.details.flavor;
}

const flavorId = async (name: string): Promise<string> =>
  h.sim.admin.resources({ type: 'flavors' }).flavors!.find((f) => f.name === name)!.id;

describe('updating a cluster', () => {
  it('changes name, metadata and timeout in place', async () => {
    const { project, clusterId } = await world({ desired: 1 });
    const done = await succeeded(
      project,
      await h.http('PATCH', `/v1/clusters/${clusterId}`, {
        project,
        body: { cluster: { name: 'renamed', metadata: { k: 'v' }, timeout: 120 } },
      }),
    );
    expect(done.status_reason).toBe('Cluster update completed.');
    expect(await clusterOf(project, clusterId)).toMatchObject({
      name: 'renamed',
      metadata: { k: 'v' },
      timeout: 120,
      status: 'ACTIVE',
    });
  });

  it('rolls a new flavor over every member through Nova resize, then takes the new profile', async () => {
    const { project, clusterId } = await world({ desired: 2 });
    await h.http('POST', '/v1/profiles', { project, body: { profile: { name: 'big', spec: BIG } } });
    const before = await membersOf(project, clusterId);
    const done = await succeeded(
      project,
      await h.http('PATCH', `/v1/clusters/${clusterId}`, { project, body: { cluster: { profile_id: 'big' } } }),
    );
    expect(done.status_reason).toBe('Cluster update completed.');
    const big = await h.http<{ profile: { id: string } }>('GET', '/v1/profiles/big', { project });
    const after = await expectCloudMatches(project, clusterId, 2);
    // Resized in place: the same servers, with the new flavor.
    expect(after.map((x) => x.physical_id).sort()).toEqual(before.map((x) => x.physical_id).sort());
    const small = await flavorId('m1.small');
    for (const n of after) {
      expect(n).toMatchObject({ profile_id: big.body.profile.id, status_reason: 'Update succeeded' });
      expect(await flavorOf(project, n.id)).toBe(small);
    }
    expect(await clusterOf(project, clusterId)).toMatchObject({ profile_id: big.body.profile.id, status: 'ACTIVE' });
  });

  it('swaps only the cluster’s profile with profile_only, leaving the members as they are', async () => {
    const { project, clusterId } = await world({ desired: 1 });
    const { body: web } = await h.http<{ profile: { id: string } }>('GET', '/v1/profiles/web', { project });
    const { body: big } = await h.http<{ profile: { id: string } }>('POST', '/v1/profiles', {
      project,
      body: { profile: { name: 'big', spec: BIG } },
    });
    await succeeded(
      project,
      await h.http('PATCH', `/v1/clusters/${clusterId}`, {
        project,
        version: '1.6',
        body: { cluster: { profile_id: 'big', profile_only: true } },
      }),
    );
    expect(await clusterOf(project, clusterId)).toMatchObject({ profile_id: big.profile.id });
    const [n] = await membersOf(project, clusterId);
    expect(n.profile_id).toBe(web.profile.id);
    expect(await flavorOf(project, n.id)).toBe(await flavorId('m1.tiny'));
  });

  it('fails, leaving the cluster on its profile, when a member cannot take the new one in place', async () => {
    const { project, clusterId } = await world({ desired: 1 });
    const { body: web } = await h.http<{ profile: { id: string } }>('GET', '/v1/profiles/web', { project });
    await h.http('POST', '/v1/profiles', { project, body: { profile: { name: 'other', spec: OTHER_PASS } } });
    const done = await ended(
      project,
      await h.http('PATCH', `/v1/clusters/${clusterId}`, { project, body: { cluster: { profile_id: 'other' } } }),
    );
    expect(done.status).toBe('FAILED');
    expect(done.status_reason).toMatch(
      /^Failed in updating nodes: node_update_[0-9a-f]{8}: Node update failed: 'admin_pass' cannot be changed/,
    );
    expect(await clusterOf(project, clusterId)).toMatchObject({ profile_id: web.profile.id, status: 'ACTIVE' });
    const [n] = await membersOf(project, clusterId);
    expect(n).toMatchObject({ profile_id: web.profile.id, status: 'ACTIVE' });
  });
});

describe('updating a node', () => {
  it('changes name, role and metadata in its row', async () => {
    const { project, clusterId } = await world({ desired: 1 });
    const [n] = await membersOf(project, clusterId);
    await succeeded(
      project,
      await h.http('PATCH', `/v1/nodes/${n.id}`, {
        project,
        body: { node: { name: 'n-new', role: 'db', metadata: { a: '1' } } },
      }),
    );
    const { body } = await h.http<{ node: NodeView & { role: string; metadata: unknown } }>(
      'GET',
      `/v1/nodes/${n.id}`,
      { project },
    );
    expect(body.node).toMatchObject({
      name: 'n-new',
      role: 'db',
      metadata: { a: '1' },
      status: 'ACTIVE',
      physical_id: n.physical_id,
    });
  });
});

describe('operations', () => {
  it('reboots a node and brings it back to the status it had', async () => {
    const { project, clusterId } = await world({ desired: 1 });
    const [n] = await membersOf(project, clusterId);
    const done = await succeeded(
      project,
      await h.http('POST', `/v1/nodes/${n.id}/ops`, { project, version: '1.4', body: { reboot: { type: 'SOFT' } } }),
    );
    expect(done.status_reason).toBe("Node operation 'reboot' succeeded.");
    const { body } = await h.http<{ node: NodeView & { status_reason: string } }>('GET', `/v1/nodes/${n.id}`, {
      project,
    });
    expect(body.node).toMatchObject({
      status: 'ACTIVE',
      status_reason: "Operation 'reboot' succeeded",
      physical_id: n.physical_id,
    });
    const events = await h.http<{ events: { action: string; status: string }[] }>('GET', `/v1/events?oid=${n.id}`, {
      project,
    });
    expect(events.body.events.map((e) => `${e.action}:${e.status}`)).toEqual(
      expect.arrayContaining(['reboot:OPERATING', 'reboot:ACTIVE']),
    );
  });

  it('runs an operation over the selected members of a cluster', async () => {
    const { project, clusterId } = await world({ desired: 2 });
    const done = await succeeded(
      project,
      await h.http('POST', `/v1/clusters/${clusterId}/ops`, {
        project,
        version: '1.4',
        body: { reboot: { params: { type: 'HARD' } } },
      }),
    );
    expect(done.status_reason).toBe("Cluster operation 'reboot' completed.");
    await expectCloudMatches(project, clusterId, 2);
    expect(await clusterOf(project, clusterId)).toMatchObject({
      status: 'ACTIVE',
      status_reason: 'reboot: number of active nodes is equal or above desired_capacity (2).',
    });
  });
});
