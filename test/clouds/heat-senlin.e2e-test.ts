import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { passwordToken, type GroveProcesses } from '@grove/testing';
import { keystoneSettings, need, startGroveOnRealCloud } from './support/real-cloud';

/**
 * Item 8 of issue 9, end to end on real services: Grove in keystone mode, registered in the real
 * Keystone's catalog as `clustering`, working on the fake-driver Nova through each user's trust;
 * Debian's Heat builds deploy/examples/heat-cluster.yaml through its OS::Senlin::* resources.
 * A stack update resizes the cluster, the receiver's alarm_url scales it out, and the stack delete
 * leaves no server in Nova and no object in Grove.
 */
const ROOT = join(__dirname, '..', '..');
const TEMPLATE = readFileSync(join(ROOT, 'deploy/examples/heat-cluster.yaml'), 'utf8');
/** A name of its own, so that a stack an interrupted run left does not stand in the way. */
const STACK = `heat-cluster-${crypto.randomUUID().slice(0, 8)}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Heat’s OS::Senlin::* resources building a Grove cluster on real Nova', () => {
  let grove: GroveProcesses;
  const keystone = keystoneSettings();
  const alice = { user: 'alice', password: need('GROVE_CLOUDS_PASSWORD'), project: 'project-a' };
  let token = '';
  let project = '';

  beforeAll(async () => {
    grove = await startGroveOnRealCloud('clouds-heat');
    const registered = spawnSync(process.execPath, [join(ROOT, 'dist/apps/api/src/register-endpoint.js')], {
      env: { PATH: process.env.PATH ?? '', ...keystone, AUTH_MODE: 'keystone', API_PUBLIC_URL: grove.apiUrl },
      encoding: 'utf8',
    });
    if (registered.status !== 0) throw new Error(`register-endpoint failed:\n${registered.stdout}${registered.stderr}`);
    // A token issued after the registration, so that its catalog names Grove.
    ({ token, projectId: project } = await passwordToken(keystone.KEYSTONE_AUTH_URL, alice));
  }, 180_000);
  afterAll(async () => {
    await grove?.stop();
  }, 60_000);

  const call = async <T = Record<string, unknown>>(method: string, url: string, body?: unknown) => {
    const res = await fetch(url, {
      method,
      headers: { 'x-auth-token': token, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    // Heat answers an update's 202 with an HTML page, not JSON.
    const json = res.headers.get('content-type')?.includes('json') && text;
    return { status: res.status, body: (json ? JSON.parse(text) : {}) as T };
  };
  const heat = (path: string) => `${need('HEAT_URL')}/${project}${path}`;
  const grovePath = (path: string) => `${grove.apiUrl}${path}`;

  async function stackStatus(
    id: string,
  ): Promise<{ status: string; reason: string; outputs: Record<string, unknown> }> {
    const { body } = await call<{
      stack: {
        stack_status: string;
        stack_status_reason: string;
        outputs?: { output_key: string; output_value: unknown }[];
      };
    }>('GET', heat(`/stacks/${STACK}/${id}`));
    return {
      status: body.stack.stack_status,
      reason: body.stack.stack_status_reason,
      outputs: Object.fromEntries((body.stack.outputs ?? []).map((o) => [o.output_key, o.output_value])),
    };
  }
  async function settle(id: string, until: (s: string) => boolean, timeoutMs = 300_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await stackStatus(id);
      if (until(s.status)) return s;
      if (s.status.endsWith('_FAILED')) throw new Error(`stack ${s.status}: ${s.reason}`);
      if (Date.now() > deadline) throw new Error(`stack still ${s.status} after ${timeoutMs} ms`);
      await sleep(500);
    }
  }
  async function members(clusterId: string) {
    const { body } = await call<{ nodes: { id: string; status: string; physical_id: string }[] }>(
      'GET',
      grovePath(`/v1/nodes?cluster_id=${clusterId}`),
    );
    return body.nodes;
  }
  async function activeServers(): Promise<string[]> {
    const { body } = await call<{ servers: { id: string; status: string }[] }>(
      'GET',
      `${need('NOVA_URL')}/servers/detail?project_id=${project}`,
    );
    return body.servers.filter((s) => s.status !== 'DELETED').map((s) => s.id);
  }
  async function until<T>(what: string, f: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 120_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await f();
      if (ok(v)) return v;
      if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)}`);
      await sleep(500);
    }
  }

  it('creates, resizes, scales by its alarm URL and deletes the cluster, leaving nothing behind', async () => {
    const before = await activeServers();
    const t0 = Date.now();
    const made = await call<{ stack: { id: string } }>('POST', heat('/stacks'), {
      stack_name: STACK,
      template: TEMPLATE,
      parameters: {
        image: need('GLANCE_IMAGE_NAME'),
        flavor: need('NOVA_FLAVOR'),
        network: need('NEUTRON_NETWORK'),
        size: 2,
      },
      timeout_mins: 10,
    });
    expect(made.status).toBe(201);
    const id = made.body.stack.id;
    const created = await settle(id, (s) => s === 'CREATE_COMPLETE');
    console.log(
      `heat stack create (deploy/examples/heat-cluster.yaml, 2 + 1 servers): ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    const clusterId = created.outputs.cluster_id as string;
    const { body: c } = await call<{ cluster: { status: string; desired_capacity: number; policies: string[] } }>(
      'GET',
      grovePath(`/v1/clusters/${clusterId}`),
    );
    expect(c.cluster).toMatchObject({ status: 'ACTIVE', desired_capacity: 2 });
    expect(c.cluster.policies).toHaveLength(1);
    expect((await members(clusterId)).map((n) => n.status)).toEqual(['ACTIVE', 'ACTIVE']);
    const { body: bastion } = await call<{ node: { status: string; physical_id: string } }>(
      'GET',
      grovePath(`/v1/nodes/${created.outputs.bastion_id as string}`),
    );
    expect(bastion.node.status).toBe('ACTIVE');
    // Three servers in Alice's own project, made through her trust.
    expect((await activeServers()).filter((s) => !before.includes(s))).toHaveLength(3);

    // A stack update with a new size resizes the cluster.
    const updated = await call('PATCH', heat(`/stacks/${STACK}/${id}`), { parameters: { size: 3 } });
    expect(updated.status).toBe(202);
    await settle(id, (s) => s === 'UPDATE_COMPLETE');
    await until(
      'three ACTIVE members',
      () => members(clusterId),
      (n) => n.filter((m) => m.status === 'ACTIVE').length === 3,
    );

    // A new flavor replaces the profile: the cluster and the node move to it, their servers resized.
    const { body: was } = await call<{ cluster: { profile_id: string } }>(
      'GET',
      grovePath(`/v1/clusters/${clusterId}`),
    );
    const reflavored = await call('PATCH', heat(`/stacks/${STACK}/${id}`), {
      parameters: { flavor: need('NOVA_RESIZE_FLAVOR') },
    });
    expect(reflavored.status).toBe(202);
    await settle(id, (s) => s === 'UPDATE_COMPLETE');
    const { body: now } = await call<{ cluster: { profile_id: string; status: string } }>(
      'GET',
      grovePath(`/v1/clusters/${clusterId}`),
    );
    expect(now.cluster.profile_id).not.toBe(was.cluster.profile_id);
    const { body: node } = await call<{ node: { profile_id: string } }>(
      'GET',
      grovePath(`/v1/nodes/${created.outputs.bastion_id as string}`),
    );
    expect(node.node.profile_id).toBe(now.cluster.profile_id);
    for (const m of await members(clusterId)) {
      const res = await fetch(`${need('NOVA_URL')}/servers/${m.physical_id}`, {
        headers: { 'x-auth-token': token, 'openstack-api-version': 'compute 2.47' },
      });
      const { server } = (await res.json()) as { server: { flavor: { original_name: string } } };
      expect(server.flavor.original_name).toBe(need('NOVA_RESIZE_FLAVOR'));
    }

    // The receiver's alarm URL needs nothing but itself.
    const fired = await fetch(created.outputs.scale_out_url as string, { method: 'POST' });
    expect(fired.status).toBe(202);
    await until(
      'four ACTIVE members',
      () => members(clusterId),
      (n) => n.filter((m) => m.status === 'ACTIVE').length === 4,
    );
    expect((await activeServers()).filter((s) => !before.includes(s))).toHaveLength(5);

    // The stack delete (Heat 19 repeats policy_detach on every poll) removes it all.
    expect((await call('DELETE', heat(`/stacks/${STACK}/${id}`))).status).toBe(204);
    await settle(id, (s) => s === 'DELETE_COMPLETE');
    await until('no server of the stack in Nova', activeServers, (ids) => ids.every((s) => before.includes(s)), 60_000);
    for (const kind of ['clusters', 'nodes', 'profiles', 'policies', 'receivers']) {
      const { body } = await call<Record<string, unknown[]>>('GET', grovePath(`/v1/${kind}`));
      expect({ kind, left: body[kind] }).toEqual({ kind, left: [] });
    }
    const db = new Client({ connectionString: grove.dbUrl });
    await db.connect();
    try {
      for (const table of ['cluster', 'node', 'profile', 'policy', 'cluster_policy', 'receiver']) {
        const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
        expect({ table, rows: Number(rows[0].n) }).toEqual({ table, rows: 0 });
      }
    } finally {
      await db.end();
    }
  }, 900_000);
});
