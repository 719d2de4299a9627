import { sql } from '@grove/db';
import { freshProject, make } from '@grove/testing';
import { useGrove } from '../../src/testing/grove-harness';
import { until } from './cluster-world';

/**
 * The engine's safety nets under the broker: work is never lost and nothing stays RUNNING, even
 * when a message disappears, an engine dies, a final write fails or a deadline passes. Each test
 * puts the database in the state the fault leaves behind and watches the engine's scan repair it.
 */
const h = useGrove();

const SPEC = {
  type: 'os.nova.server',
  version: '1.0',
  properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk' },
};

/** An orphan node to act on, with its profile, in a project of its own. */
async function orphanNode(status: 'INIT' | 'ACTIVE' = 'INIT') {
  const ds = h.grove.dataSource;
  const project = freshProject();
  const profile = await make.profile(ds, { project, spec: SPEC, type: 'os.nova.server-1.0' });
  const node = await make.node(ds, { project, profileId: profile.id, status });
  return { ds, project, node };
}

async function actionRow(
  id: string,
): Promise<{ status: string; status_reason: string; owner: string | null; retries: number }> {
  const { rows } = await sql<{ status: string; status_reason: string; owner: string | null; retries: number }>(
    h.grove.dataSource,
    'SELECT status, status_reason, owner, retries FROM action WHERE id = $1',
    [id],
  );
  return rows[0];
}

const ended = (id: string) =>
  until(`action ${id} to end`, async () => {
    const a = await actionRow(id);
    return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(a.status) ? a : undefined;
  });

const liveEngine = async (): Promise<string> => {
  const { rows } = await sql<{ id: string }>(
    h.grove.dataSource,
    `SELECT id FROM service WHERE "binary" = 'grove-engine'`,
  );
  return rows[0].id;
};

describe('the engine scan', () => {
  it('runs a READY action whose announcement was lost', async () => {
    const { ds, project, node } = await orphanNode();
    // Written as the api writes it, but never announced on the bus.
    const a = await make.action(ds, {
      project,
      action: 'NODE_CREATE',
      target: node.id,
      status: 'READY',
      updatedAt: new Date(Date.now() - 60_000),
    });
    expect(await ended(a.id)).toMatchObject({ status: 'SUCCEEDED' });
    const { servers } = h.sim.admin.resources({ type: 'servers', metadata: { cluster_node_id: node.id } });
    expect(servers).toHaveLength(1);
  });

  it("takes over a dead engine's node create, adopting the server it had already made", async () => {
    const { ds, project, node } = await orphanNode();
    const dead = await make.service(ds, 600);
    const a = await make.action(ds, {
      project,
      action: 'NODE_CREATE',
      target: node.id,
      status: 'RUNNING',
      owner: dead.id,
      startTime: new Date(Date.now() - 30_000),
    });
    // The dead engine had got as far as asking Nova for the server.
    const token = await fetch(`${h.sim.authUrl}/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: 'admin', domain: { name: 'Default' }, password: 'secret' } },
          },
          scope: { project: { name: 'admin', domain: { name: 'Default' } } },
        },
      }),
    });
    const catalog = (
      (await token.json()) as {
        token: { catalog: { type: string; endpoints: { interface: string; region_id: string; url: string }[] }[] };
      }
    ).token.catalog;
    const nova = catalog
      .find((s) => s.type === 'compute')!
      .endpoints.find((e) => e.interface === 'public' && e.region_id === 'RegionOne')!.url;
    const made = await fetch(`${nova}/servers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': token.headers.get('x-subject-token')! },
      body: JSON.stringify({
        server: { name: node.name, flavorRef: '1', imageRef: await imageId(), metadata: { cluster_node_id: node.id } },
      }),
    });
    const serverId = ((await made.json()) as { server: { id: string } }).server.id;

    const end = await ended(a.id);
    expect(end.status).toBe('SUCCEEDED');
    expect(end.retries).toBe(1);
    const { rows } = await sql<{ physical_id: string; status: string }>(
      ds,
      'SELECT physical_id, status FROM node WHERE id = $1',
      [node.id],
    );
    expect(rows[0]).toEqual({ physical_id: serverId, status: 'ACTIVE' });
    // The scan's takeover and the adoption take about 5 s on a quiet machine (as before trusts
    // came in): jest's default 5 s failed it whenever the machine was busy.
  }, 20_000);

  it('fails with a reason an action that is not safe to run twice when its engine died', async () => {
    const { ds, project, node } = await orphanNode('ACTIVE');
    const dead = await make.service(ds, 600);
    const a = await make.action(ds, {
      project,
      action: 'NODE_UPDATE',
      target: node.id,
      status: 'RUNNING',
      owner: dead.id,
    });
    expect(await ended(a.id)).toMatchObject({
      status: 'FAILED',
      status_reason: 'Engine died when executing this action.',
    });
  });

  it('resumes an action of its own that it lost track of (its final write failed)', async () => {
    const { ds, project, node } = await orphanNode();
    const a = await make.action(ds, {
      project,
      action: 'NODE_CREATE',
      target: node.id,
      status: 'RUNNING',
      owner: await liveEngine(),
      updatedAt: new Date(Date.now() - 120_000),
    });
    const end = await ended(a.id);
    expect(end).toMatchObject({ status: 'SUCCEEDED', retries: 1 });
  });

  it('wakes a parent whose last wake-up was lost, and times out one whose deadline passed', async () => {
    const ds = h.grove.dataSource;
    const project = freshProject();
    const cluster = await make.cluster(ds, { project, status: 'CREATING' });
    // A waiting parent with no child left: its wake-up was lost.
    const stranded = await make.action(ds, {
      project,
      action: 'CLUSTER_CHECK',
      target: cluster.id,
      clusterId: cluster.id,
      status: 'WAITING',
      step: 'nodes-checked',
      startTime: new Date(),
      updatedAt: new Date(Date.now() - 10_000),
    });
    expect(await ended(stranded.id)).toMatchObject({ status: 'SUCCEEDED' });

    const other = await make.cluster(ds, { project, status: 'CREATING' });
    const child = await make.action(ds, {
      project,
      action: 'NODE_CHECK',
      target: crypto.randomUUID(),
      status: 'WAITING',
    });
    const late = await make.action(ds, {
      project,
      action: 'CLUSTER_CHECK',
      target: other.id,
      clusterId: other.id,
      status: 'WAITING',
      step: 'nodes-checked',
      awaiting: [child.id],
      startTime: new Date(Date.now() - 10_000),
      timeout: 5,
    });
    await h.grove.dataSource.query('INSERT INTO dependency (depended, dependent) VALUES ($1, $2)', [child.id, late.id]);
    expect(await ended(late.id)).toMatchObject({
      status: 'FAILED',
      status_reason: expect.stringMatching(/^CLUSTER_CHECK \[\w{8}\] timeout$/),
    });
    // Its unfinished child was told to stop.
    const { rows } = await sql<{ control: string }>(ds, 'SELECT control FROM action WHERE id = $1', [child.id]);
    expect(rows[0].control).toBe('CANCEL');
  });
});

async function imageId(): Promise<string> {
  const { images } = h.sim.admin.resources({ type: 'images', region: 'RegionOne' });
  return images!.find((i) => i.name === 'cirros-0.6.2-x86_64-disk')!.id;
}
