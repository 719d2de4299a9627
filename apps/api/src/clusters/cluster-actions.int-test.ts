import { ClusterLockEntity, type ClusterEntity, type NodeEntity, type ProfileEntity } from '@grove/db';
import { freshProject, make } from '@grove/testing';
import { useGrove, type HttpAnswer } from '../testing/grove-harness';
import { expectAccepted, expectFault } from '../testing/senlin-answers';

const h = useGrove();
const ds = () => h.grove.dataSource;
const FAKE = 'db0faadf-9cd2-457f-b434-4891b77938ab';

interface World {
  project: string;
  profile: ProfileEntity;
  cluster: ClusterEntity;
  members: NodeEntity[];
}

/** A cluster of `members` ACTIVE nodes in a project of its own. */
async function world(o: { cluster?: Partial<ClusterEntity>; members?: number } = {}): Promise<World> {
  const project = freshProject();
  const profile = await make.profile(ds(), { project });
  const cluster = await make.cluster(ds(), {
    project,
    profileId: profile.id,
    desiredCapacity: o.members ?? 0,
    ...o.cluster,
  });
  const members: NodeEntity[] = [];
  for (let i = 0; i < (o.members ?? 0); i++) {
    members.push(await make.node(ds(), { project, profileId: profile.id, clusterId: cluster.id, index: i + 1 }));
  }
  return { project, profile, cluster, members };
}

const orphan = (w: World, o: Partial<NodeEntity> = {}) =>
  make.node(ds(), { project: w.project, profileId: w.profile.id, ...o });

const act = (project: string, cluster: string, body: unknown, version?: string) =>
  h.http('POST', `/v1/clusters/${cluster}/actions`, { body, project, version });

async function inputsOf(project: string, a: HttpAnswer<unknown>): Promise<Record<string, unknown>> {
  const id = expectAccepted(a);
  const { body } = await h.http<{ action: Record<string, unknown> }>('GET', `/v1/actions/${id}`, { project });
  return body.action;
}

describe('POST /v1/clusters/{id}/actions: the body', () => {
  it.each([
    ['an empty map', {}, 'No action specified'],
    ['no body at all', undefined, 'No action specified'],
    ['two verbs', { resize: {}, check: {} }, 'Multiple actions specified'],
    ['an unknown verb', { bogus: {} }, "Unrecognized action 'bogus' specified"],
    ['check data that is a list', { check: ['k1', 'v1'] }, 'The data provided is not a map'],
    ['recover data that is a list', { recover: ['k1', 'v1'] }, 'The data provided is not a map'],
    ['verb data that is null', { scale_out: null }, 'The data provided is not a map'],
    ['a list', [1, 2], 'The request body must be a JSON object.'],
  ])('refuses %s before looking for the cluster', async (_what, body, message) => {
    expectFault(await act(freshProject(), 'cluster_id', body), 400, 'HTTPBadRequest', message);
  });

  it('names one problem, a missing key before an unknown one, as Senlin does (tempest compares it)', async () => {
    expectFault(
      await act(freshProject(), 'cluster_id', { policy_attach: { poilicy_id: 'x' } }),
      400,
      'HTTPBadRequest',
      "'policy_id' is a required property",
    );
  });

  it('refuses malformed JSON with a 400 in Senlin’s body', async () => {
    const a = await h.http('POST', `/v1/clusters/${FAKE}/actions`, {
      body: '{"check": {',
      headers: { 'content-type': 'application/json' },
    });
    expectFault(a, 400, 'HTTPBadRequest', /^Malformed JSON/);
  });

  it("answers 404 for another project's cluster", async () => {
    const w = await world();
    const a = await act(freshProject(), w.cluster.id, { check: {} });
    expectFault(a, 404, 'ResourceNotFound', `The cluster '${w.cluster.id}' could not be found.`);
  });

  it('finds the cluster by name and by short id', async () => {
    const w = await world();
    expectAccepted(await act(w.project, w.cluster.name, { check: {} }));
    const w2 = await world();
    expectAccepted(await act(w2.project, w2.cluster.id.slice(0, 8), { check: {} }));
  });
});

describe('add_nodes', () => {
  it('makes a CLUSTER_ADD_NODES action with the ids of the nodes named', async () => {
    const w = await world();
    const [a, b] = [await orphan(w), await orphan(w)];
    const action = await inputsOf(
      w.project,
      await act(w.project, w.cluster.id, { add_nodes: { nodes: [a.id, b.name] } }),
    );
    expect(action).toMatchObject({
      action: 'CLUSTER_ADD_NODES',
      target: w.cluster.id,
      name: `cluster_add_nodes_${w.cluster.id.slice(0, 8)}`,
      inputs: { nodes: [a.id, b.id] },
    });
  });

  it.each([
    ['no nodes key', {}, "Value for 'nodes' must have at least 1 item(s)."],
    ['an empty list', { nodes: [] }, "Value for 'nodes' must have at least 1 item(s)."],
    ['a string', { nodes: 'node_id' }, "Items for 'nodes' must be unique"],
    ['the same node twice', { nodes: ['id1', 'id1'] }, "Items for 'nodes' must be unique"],
    ['an item that is not a string', { nodes: [1] }, "1 is not of type 'string'"],
    ['an unknown field', { nodes: ['n'], bogus: 1 }, "Additional properties are not allowed ('bogus' was unexpected)"],
  ])('refuses %s', async (_what, data, message) => {
    expectFault(await act(freshProject(), 'cluster_id', { add_nodes: data }), 400, 'HTTPBadRequest', message);
  });

  it('answers 404 for an unknown cluster', async () => {
    const a = await act(freshProject(), FAKE, { add_nodes: { nodes: ['node_id'] } });
    expectFault(a, 404, 'ResourceNotFound', `The cluster '${FAKE}' could not be found.`);
  });

  it('lists the nodes it cannot find, including those of other projects', async () => {
    const w = await world();
    const foreign = await make.node(ds(), {});
    const missing = '5ddf7e5a-3f67-4f1e-af1e-c5a7da319dc0';
    const a = await act(w.project, w.cluster.id, { add_nodes: { nodes: [missing, foreign.id] } });
    expectFault(a, 400, 'BadRequest', `Nodes not found: ['${missing}', '${foreign.id}'].`);
  });

  it('refuses nodes owned by a cluster, not ACTIVE, or of another profile type', async () => {
    const w = await world();
    const other = await make.cluster(ds(), { project: w.project, profileId: w.profile.id });
    const owned = await orphan(w, { clusterId: other.id, index: 1 });
    expectFault(
      await act(w.project, w.cluster.id, { add_nodes: { nodes: [owned.id] } }),
      400,
      'BadRequest',
      `Nodes ['${owned.id}'] already owned by some cluster.`,
    );
    const broken = await orphan(w, { status: 'ERROR' });
    expectFault(
      await act(w.project, w.cluster.id, { add_nodes: { nodes: [broken.id] } }),
      400,
      'BadRequest',
      `Nodes are not ACTIVE: ['${broken.id}'].`,
    );
    const heat = await make.profile(ds(), { project: w.project, type: 'os.heat.stack-1.0' });
    const stack = await orphan(w, { profileId: heat.id });
    expectFault(
      await act(w.project, w.cluster.id, { add_nodes: { nodes: [stack.id] } }),
      400,
      'BadRequest',
      `Profile type of nodes ['${stack.id}'] does not match that of the cluster.`,
    );
  });

  it('refuses to grow the cluster past its max_size', async () => {
    const w = await world({ members: 1, cluster: { maxSize: 1 } });
    const n = await orphan(w);
    expectFault(
      await act(w.project, w.cluster.id, { add_nodes: { nodes: [n.id] } }),
      400,
      'BadRequest',
      "The target capacity (2) is greater than the cluster's max_size (1).",
    );
  });
});

describe('del_nodes', () => {
  it('detaches members by default and at versions before 1.4', async () => {
    const w = await world({ members: 2 });
    const action = await inputsOf(
      w.project,
      await act(w.project, w.cluster.id, { del_nodes: { nodes: [w.members[0].name] } }),
    );
    expect(action).toMatchObject({
      action: 'CLUSTER_DEL_NODES',
      inputs: { candidates: [w.members[0].id], count: 1, destroy_after_deletion: false },
    });
    const w2 = await world({ members: 2 });
    const dropped = await inputsOf(
      w2.project,
      await act(
        w2.project,
        w2.cluster.id,
        { del_nodes: { nodes: [w2.members[0].id], destroy_after_deletion: true } },
        '1.3',
      ),
    );
    expect(dropped.inputs).toEqual({ candidates: [w2.members[0].id], count: 1, destroy_after_deletion: false });
  });

  it('destroys them when asked from 1.4 on', async () => {
    const w = await world({ members: 2 });
    const action = await inputsOf(
      w.project,
      await act(
        w.project,
        w.cluster.id,
        { del_nodes: { nodes: [w.members[1].id], destroy_after_deletion: true } },
        '1.4',
      ),
    );
    expect(action.inputs).toEqual({ candidates: [w.members[1].id], count: 1, destroy_after_deletion: true });
  });

  it.each([
    ['no nodes key', {}, "Value for 'nodes' must have at least 1 item(s)."],
    ['an empty list', { nodes: [] }, "Value for 'nodes' must have at least 1 item(s)."],
    ['a string', { nodes: 'node_id' }, "Items for 'nodes' must be unique"],
    [
      'destroy_after_deletion that is not a boolean',
      { nodes: ['fake_id'], destroy_after_deletion: 'not_bool' },
      "Unrecognized value 'not_bool', acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'",
    ],
    // Senlin's request schema then takes only a JSON boolean, whatever spelling oslo would read.
    [
      'destroy_after_deletion spelt as a string',
      { nodes: ['fake_id'], destroy_after_deletion: 'yes' },
      "'yes' is not of type 'boolean', 'null'",
    ],
    [
      'destroy_after_deletion in a list',
      { nodes: ['fake_id'], destroy_after_deletion: [1] },
      "Unrecognized value '[1]', acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'",
    ],
  ])('refuses %s', async (_what, data, message) => {
    expectFault(await act(freshProject(), 'cluster_id', { del_nodes: data }, '1.4'), 400, 'HTTPBadRequest', message);
  });

  it('refuses nodes it cannot find and nodes that are not members', async () => {
    const w = await world({ members: 1 });
    const missing = 'e896948b-44c0-4dfa-9466-407391504833';
    expectFault(
      await act(w.project, w.cluster.id, { del_nodes: { nodes: [missing] } }),
      400,
      'BadRequest',
      `Nodes not found: ['${missing}'].`,
    );
    const loose = await orphan(w);
    const other = await make.cluster(ds(), { project: w.project, profileId: w.profile.id });
    const elsewhere = await orphan(w, { clusterId: other.id, index: 1 });
    for (const n of [loose, elsewhere]) {
      expectFault(
        await act(w.project, w.cluster.id, { del_nodes: { nodes: [n.id] } }),
        400,
        'BadRequest',
        `Nodes not members of specified cluster: ['${n.id}'].`,
      );
    }
  });

  it('refuses to shrink the cluster under its min_size', async () => {
    const w = await world({ members: 1, cluster: { minSize: 1 } });
    expectFault(
      await act(w.project, w.cluster.id, { del_nodes: { nodes: [w.members[0].id] } }),
      400,
      'BadRequest',
      "The target capacity (0) is less than the cluster's min_size (1).",
    );
  });

  it('refuses (409) members other nodes depend on', async () => {
    const w = await world({ members: 1 });
    await ds().query(`UPDATE node SET dependents = '{"nodes": ["x"]}' WHERE id = $1`, [w.members[0].id]);
    const a = await act(w.project, w.cluster.id, { del_nodes: { nodes: [w.members[0].id] } });
    expectFault(a, 409, 'ResourceInUse');
  });

  it('answers 404 for an unknown cluster', async () => {
    const a = await act(freshProject(), 'dc8f106a-10b7-47a3-8494-c86035207351', { del_nodes: { nodes: ['node_id'] } });
    expectFault(a, 404, 'ResourceNotFound', "The cluster 'dc8f106a-10b7-47a3-8494-c86035207351' could not be found.");
  });
});

describe('replace_nodes', () => {
  it('maps old members to orphan nodes from 1.3 on', async () => {
    const w = await world({ members: 1 });
    const fresh = await orphan(w);
    const action = await inputsOf(
      w.project,
      await act(w.project, w.cluster.id, { replace_nodes: { nodes: { [w.members[0].name]: fresh.name } } }, '1.3'),
    );
    expect(action).toMatchObject({
      action: 'CLUSTER_REPLACE_NODES',
      inputs: { candidates: { [w.members[0].id]: fresh.id } },
    });
  });

  it('does not exist before 1.3', async () => {
    const a = await act(freshProject(), 'cluster_id', { replace_nodes: { nodes: { a: 'b' } } }, '1.2');
    expectFault(a, 400, 'MethodVersionNotFound', "API version '1.2' is not supported on this method.");
  });

  it.each([
    ['a list', { nodes: [] }, 'The data provided is not a map'],
    ['an empty map', { nodes: {} }, 'The data provided is not a map'],
    ['no nodes key', {}, 'The data provided is not a map'],
    ['a null replacement', { nodes: { old_node: null } }, "Field `nodes[old_node]' cannot be None"],
    [
      'one replacement twice',
      { nodes: { old_node1: 'new_node', old_node2: 'new_node' } },
      'Map contains duplicated values',
    ],
    [
      'an unknown field',
      { nodes: { a: 'b' }, bogus: 1 },
      "Additional properties are not allowed ('bogus' was unexpected)",
    ],
  ])('refuses %s', async (_what, data, message) => {
    expectFault(
      await act(freshProject(), 'cluster_id', { replace_nodes: data }, '1.3'),
      400,
      'HTTPBadRequest',
      message,
    );
  });

  it('refuses unknown, orphan, owned and mismatched nodes', async () => {
    const w = await world({ members: 1 });
    const old = w.members[0];
    const fresh = await orphan(w);
    const send = (nodes: Record<string, string>) => act(w.project, w.cluster.id, { replace_nodes: { nodes } }, '1.3');
    expectFault(await send({ old_node: fresh.id }), 400, 'BadRequest', "Original nodes not found: ['old_node'].");
    expectFault(await send({ [old.id]: 'new_node' }), 400, 'BadRequest', "Replacement nodes not found: ['new_node'].");
    const loose = await orphan(w);
    expectFault(
      await send({ [loose.id]: fresh.id }),
      400,
      'BadRequest',
      `The specified nodes ['${loose.id}'] to be replaced are not members of the cluster ${w.cluster.id}.`,
    );
    const other = await make.cluster(ds(), { project: w.project, profileId: w.profile.id });
    const owned = await orphan(w, { clusterId: other.id, index: 1 });
    expectFault(
      await send({ [old.id]: owned.id }),
      400,
      'BadRequest',
      `Nodes ['${owned.id}'] already member of a cluster.`,
    );
    const heat = await make.profile(ds(), { project: w.project, type: 'os.heat.stack-1.0' });
    const stack = await orphan(w, { profileId: heat.id });
    expectFault(
      await send({ [old.id]: stack.id }),
      400,
      'BadRequest',
      `Profile type of nodes ['${stack.id}'] do not match that of the cluster.`,
    );
  });

  it('answers 404 for an unknown cluster', async () => {
    const a = await act(freshProject(), FAKE, { replace_nodes: { nodes: { old_node: 'new_node' } } }, '1.3');
    expectFault(a, 404, 'ResourceNotFound', `The cluster '${FAKE}' could not be found.`);
  });
});

describe('resize', () => {
  it('keeps what was sent, nulls included, with strict true by default', async () => {
    const w = await world();
    const tempest = { adjustment_type: 'CHANGE_IN_CAPACITY', max_size: 20, min_step: 1, min_size: 5, number: 20 };
    const action = await inputsOf(w.project, await act(w.project, w.cluster.id, { resize: tempest }));
    expect(action).toMatchObject({
      action: 'CLUSTER_RESIZE',
      inputs: {
        adjustment_type: 'CHANGE_IN_CAPACITY',
        number: 20,
        min_size: 5,
        max_size: 20,
        min_step: null,
        strict: true,
      },
    });
    // The openstack CLI sends all six keys.
    const w2 = await world();
    const cli = {
      adjustment_type: 'EXACT_CAPACITY',
      number: '2',
      min_size: null,
      max_size: null,
      min_step: null,
      strict: false,
    };
    const action2 = await inputsOf(w2.project, await act(w2.project, w2.cluster.id, { resize: cli }));
    expect(action2.inputs).toEqual({
      adjustment_type: 'EXACT_CAPACITY',
      number: 2,
      min_size: null,
      max_size: null,
      min_step: null,
      strict: false,
    });
  });

  it('keeps min_step and fractions only for percentages', async () => {
    const w = await world({ members: 4 });
    const action = await inputsOf(
      w.project,
      await act(w.project, w.cluster.id, {
        resize: { adjustment_type: 'CHANGE_IN_PERCENTAGE', number: 12.5, min_step: 2 },
      }),
    );
    expect(action.inputs).toEqual({
      adjustment_type: 'CHANGE_IN_PERCENTAGE',
      number: 12.5,
      min_size: null,
      max_size: null,
      min_step: 2,
      strict: true,
    });
    const w2 = await world({ members: 1 });
    const action2 = await inputsOf(
      w2.project,
      await act(w2.project, w2.cluster.id, { resize: { adjustment_type: 'CHANGE_IN_CAPACITY', number: 1.9 } }),
    );
    expect(action2.inputs).toMatchObject({ number: 1 });
  });

  it('works the new size out from the nodes the cluster has, not its desired_capacity', async () => {
    const w = await world({ members: 1, cluster: { desiredCapacity: 3, maxSize: 5 } });
    expectAccepted(
      await act(w.project, w.cluster.id, { resize: { adjustment_type: 'CHANGE_IN_CAPACITY', number: 4 } }),
    );
    const w2 = await world({ members: 1, cluster: { desiredCapacity: 3, maxSize: 5 } });
    expectFault(
      await act(w2.project, w2.cluster.id, { resize: { adjustment_type: 'CHANGE_IN_CAPACITY', number: 5 } }),
      400,
      'BadRequest',
      "The target capacity (6) is greater than the cluster's max_size (5).",
    );
  });

  it.each([
    [
      'an unknown adjustment type',
      { adjustment_type: 'bogus', max_size: 20, min_size: 5, number: 5 },
      "Value 'bogus' is not acceptable for field 'adjustment_type'.",
    ],
    [
      'a number without a type',
      { max_size: 20, min_size: 5, number: 5 },
      'Missing adjustment_type value for size adjustment.',
    ],
    [
      'a type without a number',
      { adjustment_type: 'CHANGE_IN_CAPACITY', max_size: 20, min_size: 5 },
      'Missing number value for size adjustment.',
    ],
    [
      'min_size over max_size',
      { adjustment_type: 'CHANGE_IN_CAPACITY', max_size: 10, min_size: 20, number: 5 },
      'The specified min_size (20) is greater than the specified max_size (10).',
    ],
    ['nothing to do', {}, 'Not enough parameters to do resize action.'],
    ['only strict', { strict: true }, 'Not enough parameters to do resize action.'],
    [
      'a number that is not one',
      { adjustment_type: 'EXACT_CAPACITY', number: 'abc' },
      "The value for number must be a number: 'abc'.",
    ],
    ['a min_size that is not an integer', { min_size: 'x' }, "The value for min_size must be an integer: 'x'."],
    ['a negative min_size', { min_size: -1 }, 'The value for the min_size field must be greater than or equal to 0.'],
    ['a max_size under -1', { max_size: -2 }, 'The value for the max_size field must be greater than or equal to -1.'],
    ['strict that is not a boolean', { min_size: 1, strict: 'maybe' }, /^Unrecognized value 'maybe'/],
    ['an unknown field', { min_size: 1, bogus: 1 }, "Additional properties are not allowed ('bogus' was unexpected)"],
  ])('refuses %s', async (_what, data, message) => {
    expectFault(await act(freshProject(), 'cluster_id', { resize: data }), 400, 'HTTPBadRequest', message);
  });

  it('refuses a negative exact capacity before looking for the cluster', async () => {
    const a = await act(freshProject(), 'cluster_id', {
      resize: { adjustment_type: 'EXACT_CAPACITY', max_size: 20, min_size: 5, number: -1 },
    });
    expectFault(
      a,
      400,
      'BadRequest',
      "The 'number' must be non-negative integer for adjustment type 'EXACT_CAPACITY'.",
    );
  });

  it('answers 404 for an unknown cluster', async () => {
    const id = '087ef694-55d2-4616-a58b-1073cacb2bcd';
    const a = await act(freshProject(), id, {
      resize: { adjustment_type: 'CHANGE_IN_CAPACITY', max_size: 20, min_size: 5, number: 5 },
    });
    expectFault(a, 404, 'ResourceNotFound', `The cluster '${id}' could not be found.`);
  });

  describe('against the bounds of a cluster of 3 (min 2, max 5)', () => {
    let w: World;
    beforeAll(async () => {
      w = await world({ members: 3, cluster: { minSize: 2, maxSize: 5 } });
    });
    it.each([
      [
        'break_upper_limit',
        { adjustment_type: 'CHANGE_IN_CAPACITY', number: 3, strict: true },
        "The target capacity (6) is greater than the cluster's max_size (5).",
      ],
      [
        'break_lower_limit',
        { adjustment_type: 'CHANGE_IN_CAPACITY', number: -2, strict: true },
        "The target capacity (1) is less than the cluster's min_size (2).",
      ],
      [
        'max_size_under_current_desired_capacity',
        { max_size: 2, strict: true },
        'The specified max_size (2) is less than the current desired_capacity (3) of the cluster.',
      ],
      [
        'max_size_under_current_min_size (not strict)',
        { max_size: 1, strict: false },
        'The specified max_size (1) is less than the current min_size (2) of the cluster.',
      ],
      [
        'max_size_under_current_min_size (strict)',
        { max_size: 1, strict: true },
        'The specified max_size (1) is less than the current min_size (2) of the cluster.',
      ],
      [
        'min_size_over_current_desired_capacity',
        { min_size: 4, strict: true },
        'The specified min_size (4) is greater than the current desired_capacity (3) of the cluster.',
      ],
      [
        'min_size_over_current_max_size (not strict)',
        { min_size: 6, strict: false },
        'The specified min_size (6) is greater than the current max_size (5) of the cluster.',
      ],
      [
        'min_size_over_current_max_size (strict)',
        { min_size: 6, strict: true },
        'The specified min_size (6) is greater than the current max_size (5) of the cluster.',
      ],
    ])('%s', async (_name, data, message) => {
      expectFault(await act(w.project, w.cluster.id, { resize: data }), 400, 'BadRequest', message);
    });

    it('lets a non-strict resize past the bounds through (the engine clamps it)', async () => {
      expectAccepted(
        await act(w.project, w.cluster.id, {
          resize: { adjustment_type: 'CHANGE_IN_CAPACITY', number: 3, strict: false },
        }),
      );
    });
  });
});

describe('scale_out and scale_in', () => {
  it.each(['scale_out', 'scale_in'])('%s carries the count, or none when it is null or absent', async (verb) => {
    const action = verb === 'scale_out' ? 'CLUSTER_SCALE_OUT' : 'CLUSTER_SCALE_IN';
    for (const [data, inputs] of [
      [{ count: '1' }, { count: 1 }],
      [{ count: null }, {}],
      [{}, {}],
    ] as const) {
      const w = await world({ members: 1 });
      const got = await inputsOf(w.project, await act(w.project, w.cluster.id, { [verb]: data }));
      expect(got).toMatchObject({ action, name: `${action.toLowerCase()}_${w.cluster.id.slice(0, 8)}` });
      expect(got.inputs).toEqual(inputs);
    }
  });

  it.each([
    ['scale_out', { count: 'bad-count' }, "The value for count must be an integer: 'bad-count'."],
    ['scale_in', { count: 'bad-count' }, "The value for count must be an integer: 'bad-count'."],
    ['scale_out', { count: -1 }, "Value must be >= 0 for field 'count'."],
    ['scale_in', { count: -1 }, "Value must be >= 0 for field 'count'."],
    ['scale_out', { count: 1, bogus: 2 }, "Additional properties are not allowed ('bogus' was unexpected)"],
  ])('%s refuses %p', async (verb, data, message) => {
    expectFault(await act(freshProject(), 'fake', { [verb]: data }), 400, 'HTTPBadRequest', message);
  });

  it('refuses a count of 0', async () => {
    const w = await world({ members: 1 });
    expectFault(
      await act(w.project, w.cluster.id, { scale_out: { count: 0 } }),
      400,
      'BadRequest',
      'Count for scale-out request cannot be 0.',
    );
    expectFault(
      await act(w.project, w.cluster.id, { scale_in: { count: 0 } }),
      400,
      'BadRequest',
      'Count for scale-in request cannot be 0.',
    );
  });

  it('only checks the global cap, not the cluster bounds', async () => {
    const w = await world({ members: 1, cluster: { maxSize: 1 } });
    expectFault(
      await act(w.project, w.cluster.id, { scale_out: { count: 1000 } }),
      400,
      'BadRequest',
      'The target capacity (1001) is greater than the maximum number of nodes allowed per cluster (1000).',
    );
    expectAccepted(await act(w.project, w.cluster.id, { scale_out: { count: 2 } }));
  });

  it('answers 404 for an unknown cluster', async () => {
    const id = 'b7038d95-204c-455f-a866-94dc535dd840';
    expectFault(
      await act(freshProject(), id, { scale_out: { count: 1 } }),
      404,
      'ResourceNotFound',
      `The cluster '${id}' could not be found.`,
    );
  });

  it('answers 409 while the cluster is locked by an action', async () => {
    const w = await world({ members: 1 });
    const holder = await make.action(ds(), {
      project: w.project,
      target: w.cluster.id,
      clusterId: w.cluster.id,
      action: 'CLUSTER_RESIZE',
      status: 'WAITING_LIFECYCLE_COMPLETION',
    });
    await ds().manager.insert(ClusterLockEntity, { clusterId: w.cluster.id, actionIds: [holder.id], semaphore: -1 });
    const a = await act(w.project, w.cluster.id, { scale_out: { count: '1' } });
    expectFault(
      a,
      409,
      'ResourceIsLocked',
      `CLUSTER_SCALE_OUT for cluster '${w.cluster.id}' cannot be completed because it is already locked.`,
    );
  });

  it('answers 409 while another action on the cluster waits to run', async () => {
    const w = await world({ members: 1 });
    const other = await make.action(ds(), {
      project: w.project,
      target: w.cluster.id,
      clusterId: w.cluster.id,
      action: 'CLUSTER_RESIZE',
      status: 'WAITING_LIFECYCLE_COMPLETION',
    });
    const a = await act(w.project, w.cluster.id, { scale_in: {} });
    expectFault(
      a,
      409,
      'ActionConflict',
      `The CLUSTER_SCALE_IN action for target ${w.cluster.id} conflicts with the following action(s): ${other.id}`,
    );
  });
});

describe('check and recover', () => {
  it('check takes any map as its inputs', async () => {
    const w = await world({ members: 1 });
    const got = await inputsOf(w.project, await act(w.project, w.cluster.id, { check: { k1: 'v1' } }));
    expect(got).toMatchObject({ action: 'CLUSTER_CHECK', inputs: { k1: 'v1' } });
  });

  it('check with delete_check_action purges the finished checks of the cluster', async () => {
    const w = await world({ members: 1 });
    const old = await make.action(ds(), {
      project: w.project,
      target: w.cluster.id,
      clusterId: w.cluster.id,
      action: 'CLUSTER_CHECK',
      status: 'SUCCEEDED',
    });
    const other = await make.action(ds(), {
      project: w.project,
      target: w.cluster.id,
      clusterId: w.cluster.id,
      action: 'CLUSTER_RESIZE',
      status: 'SUCCEEDED',
    });
    expectAccepted(await act(w.project, w.cluster.id, { check: { delete_check_action: true } }));
    expect((await h.http('GET', `/v1/actions/${old.id}`, { project: w.project })).status).toBe(404);
    expect((await h.http('GET', `/v1/actions/${other.id}`, { project: w.project })).status).toBe(200);
  });

  it('recover reads the operation in any case', async () => {
    const w = await world({ members: 1 });
    const got = await inputsOf(
      w.project,
      await act(w.project, w.cluster.id, {
        recover: { operation: 'reboot', operation_params: { type: 'soft' }, check: 'true', check_capacity: false },
      }),
    );
    expect(got).toMatchObject({
      action: 'CLUSTER_RECOVER',
      inputs: { operation: 'REBOOT', operation_params: { type: 'soft' }, check: true, check_capacity: false },
    });
    const w2 = await world({ members: 1 });
    expect((await inputsOf(w2.project, await act(w2.project, w2.cluster.id, { recover: {} }))).inputs).toEqual({});
  });

  it('recover looks for the cluster before reading its parameters', async () => {
    const id = 'e6e522f4-34d4-42f7-b7f1-45004e06f3d9';
    expectFault(
      await act(freshProject(), id, { recover: { k1: 'v1' } }),
      404,
      'ResourceNotFound',
      `The cluster '${id}' could not be found.`,
    );
    const w = await world();
    expectFault(
      await act(w.project, w.cluster.id, { recover: { k1: 'v1' } }),
      400,
      'BadRequest',
      "Action parameter ['k1'] is not recognizable.",
    );
    expectFault(
      await act(w.project, w.cluster.id, { recover: { operation: 'dance' } }),
      400,
      'BadRequest',
      "Operation value 'dance' has to be one of the following: REBOOT, REBUILD, RECREATE.",
    );
  });

  it('check answers 404 for an unknown cluster', async () => {
    const id = 'bbbe3feb-8482-4ae4-9c29-b4732efce931';
    expectFault(
      await act(freshProject(), id, { check: { k1: 'v1' } }),
      404,
      'ResourceNotFound',
      `The cluster '${id}' could not be found.`,
    );
  });
});

describe('POST /v1/clusters/{id}/ops', () => {
  const ops = (project: string, cluster: string, body: unknown, version = '1.4') =>
    h.http('POST', `/v1/clusters/${cluster}/ops`, { body, project, version });

  it('runs a profile operation on the members the filters select', async () => {
    const w = await world({ members: 3 });
    await ds().query(`UPDATE node SET role = 'master' WHERE id = $1`, [w.members[1].id]);
    const all = await inputsOf(w.project, await ops(w.project, w.cluster.id, { reboot: { params: { type: 'HARD' } } }));
    expect(all).toMatchObject({
      action: 'CLUSTER_OPERATION',
      name: `cluster_reboot_${w.cluster.id.slice(0, 8)}`,
      inputs: { operation: 'reboot', params: { type: 'HARD' }, nodes: w.members.map((n) => n.id) },
    });
    const w2 = await world({ members: 3 });
    await ds().query(`UPDATE node SET role = 'master' WHERE id = $1`, [w2.members[1].id]);
    const some = await inputsOf(
      w2.project,
      await ops(w2.project, w2.cluster.id, { reboot: { filters: { role: 'master', status: ['ACTIVE', 'ERROR'] } } }),
    );
    expect(some.inputs).toEqual({ operation: 'reboot', params: { type: 'SOFT' }, nodes: [w2.members[1].id] });
  });

  it('does not exist before 1.4', async () => {
    expectFault(
      await ops(freshProject(), 'cluster_id', { reboot: {} }, '1.3'),
      400,
      'MethodVersionNotFound',
      "API version '1.3' is not supported on this method.",
    );
  });

  it.each([
    ['no operation', {}, 'No operation specified'],
    ['two operations', { reboot: {}, stop: {} }, 'Multiple operations specified'],
    ['operation data that is a list', { reboot: [] }, 'The data provided is not a map'],
    ['params that are not a map', { reboot: { params: 'x' } }, "'x' is not of type 'object'"],
    ['an unknown field', { reboot: { bogus: {} } }, "Additional properties are not allowed ('bogus' was unexpected)"],
  ])('refuses %s', async (_what, body, message) => {
    expectFault(await ops(freshProject(), 'cluster_id', body), 400, 'HTTPBadRequest', message);
  });

  it("refuses operations, parameters and filters the cluster's profile type does not know", async () => {
    const w = await world({ members: 1 });
    const send = (body: unknown) => ops(w.project, w.cluster.id, body);
    expectFault(
      await send({ dance: {} }),
      400,
      'BadRequest',
      "The requested operation 'dance' is not supported by the profile type 'os.nova.server-1.0'.",
    );
    expectFault(
      await send({ reboot: { params: { type: 'Unknown' } } }),
      400,
      'BadRequest',
      "'Unknown' must be one of the allowed values: SOFT, HARD.",
    );
    expectFault(
      await send({ reboot: { params: { speed: 1 } } }),
      400,
      'BadRequest',
      "Unrecognizable parameter 'speed'.",
    );
    expectFault(
      await send({ reboot: { filters: { colour: 'red' } } }),
      400,
      'BadRequest',
      "Filter key 'colour' is unsupported.",
    );
    expectFault(
      await send({ reboot: { filters: { name: 'nobody' } } }),
      400,
      'BadRequest',
      'No node (matching the filter) could be found.',
    );
  });

  it('refuses a cluster without members, and answers 404 for an unknown one', async () => {
    const w = await world();
    expectFault(
      await ops(w.project, w.cluster.id, { reboot: {} }),
      400,
      'BadRequest',
      'No node (matching the filter) could be found.',
    );
    expectFault(
      await ops(freshProject(), FAKE, { reboot: {} }),
      404,
      'ResourceNotFound',
      `The cluster '${FAKE}' could not be found.`,
    );
  });
});

describe('GET /v1/clusters/{id}/attrs/{path}', () => {
  let w: World;
  beforeAll(async () => {
    w = await world({ cluster: { config: { 'node.name.format': 'N$2I' } } });
    for (const [i, name] of [
      [1, 'N01'],
      [2, 'N02'],
    ] as const) {
      w.members.push(
        await make.node(ds(), {
          project: w.project,
          profileId: w.profile.id,
          clusterId: w.cluster.id,
          index: i,
          name,
          metadata: i === 1 ? { tier: 'web' } : {},
        }),
      );
    }
  });
  const collect = (path: string, o: { project?: string; version?: string; cluster?: string } = {}) =>
    h.http<{ cluster_attributes: { id: string; value: unknown }[] }>(
      'GET',
      `/v1/clusters/${o.cluster ?? w.cluster.id}/attrs/${path}`,
      {
        project: o.project ?? w.project,
        version: o.version,
      },
    );

  it("gives each member's value, leaving out members without one", async () => {
    const a = await collect('name', { version: '1.2' });
    expect(a.status).toBe(200);
    expect(a.body.cluster_attributes).toEqual(
      expect.arrayContaining([
        { id: w.members[0].id, value: 'N01' },
        { id: w.members[1].id, value: 'N02' },
      ]),
    );
    expect((await collect('metadata.tier', { version: '1.2' })).body.cluster_attributes).toEqual([
      { id: w.members[0].id, value: 'web' },
    ]);
    // Members without a cloud resource have no details.
    expect((await collect('details.status', { version: '1.2' })).body.cluster_attributes).toEqual([]);
  });

  it('serves clients that send no microversion (Heat), but not those asking for less than 1.2', async () => {
    expect((await collect('name')).status).toBe(200);
    expectFault(
      await collect('name', { version: '1.1', cluster: 'FAKE_CLUSTER' }),
      400,
      'MethodVersionNotFound',
      "API version '1.1' is not supported on this method.",
    );
  });

  it.each(['None', '%20', ''])('refuses the path %p as missing', async (path) => {
    expectFault(
      await collect(path, { version: '1.2', cluster: 'FAKE_CLUSTER' }),
      400,
      'HTTPBadRequest',
      'Required path attribute is missing.',
    );
  });

  it('refuses a path it cannot parse', async () => {
    expectFault(await collect('name%5B', { version: '1.2' }), 400, 'BadRequest', /^Invalid attribute path - /);
  });

  it('answers 404 for an unknown cluster or one of another project', async () => {
    const id = 'a3d59666-93be-47ee-a484-c248ed2f49fe';
    expectFault(
      await collect('name', { version: '1.2', cluster: id }),
      404,
      'ResourceNotFound',
      `The cluster '${id}' could not be found.`,
    );
    expectFault(await collect('name', { version: '1.2', project: freshProject() }), 404, 'ResourceNotFound');
  });
});
