import { sql } from '@grove/db';
import { describeCloudOwnership, keystoneModeEnv, passwordToken } from '@grove/testing';
import { SIMULATOR_ACCOUNTS, useGrove, useGroveForContract } from '../testing/grove-harness';

describeCloudOwnership('the simulator', useGroveForContract, SIMULATOR_ACCOUNTS, {
  flavor: 'm1.tiny',
  image: 'cirros-0.6.2-x86_64-disk',
  network: 'private',
  externalNetwork: 'public',
});

describe('noauth mode with one admin cloud account', () => {
  const h = useGrove();

  it('sees only the account’s own project in lookups: another project’s port is not found', async () => {
    const other = await passwordToken(h.sim.authUrl, { user: 'alt_demo', password: 'secret', project: 'alt_demo' });
    const neutron = `${h.sim.url}/RegionOne/network/v2.0`;
    const made = await fetch(`${neutron}/ports`, {
      method: 'POST',
      headers: { 'x-auth-token': other.token, 'content-type': 'application/json' },
      body: JSON.stringify({ port: { network_id: '600d63e7-bdd1-4b1d-a992-55ebb8880ca9', name: 'theirs' } }),
    });
    const { port } = (await made.json()) as { port: { id: string } };
    // The admin account itself would be shown the port by Neutron; Grove does not take it.
    const res = await h.http('POST', '/v1/profiles', {
      body: {
        profile: {
          name: 'takes-a-port',
          spec: {
            type: 'os.nova.server',
            version: '1.0',
            properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk', networks: [{ port: port.id }] },
          },
        },
      },
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain(`The specified port '${port.id}' could not be found.`);
  });
});

describe('a trust Keystone stops honouring (keystone mode)', () => {
  const h = useGrove((sim) => keystoneModeEnv(SIMULATOR_ACCOUNTS(sim.authUrl)));

  it('fails the work it was for, is forgotten, and the owner’s next write makes a new one', async () => {
    const demo = await passwordToken(h.sim.authUrl, { user: 'demo', password: 'secret', project: 'demo' });
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${h.url}${path}`, {
        method,
        headers: { 'x-auth-token': demo.token, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
    const spec = {
      type: 'os.nova.server',
      version: '1.0',
      properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk', networks: [{ network: 'private' }] },
    };
    expect((await call('POST', '/v1/profiles', { profile: { name: 'p', spec } })).status).toBe(201);
    const made = await call('POST', '/v1/clusters', { cluster: { name: 'c', profile_id: 'p', desired_capacity: 1 } });
    const clusterId = ((await made.json()) as { cluster: { id: string } }).cluster.id;
    const actionEnd = async (res: Response) => {
      const id = (res.headers.get('location') ?? '').split('/').pop()!;
      for (;;) {
        const { action } = (await (await call('GET', `/v1/actions/${id}`)).json()) as {
          action: { status: string; status_reason: string };
        };
        if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(action.status)) return action;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    expect((await actionEnd(made)).status).toBe('SUCCEEDED');
    const trustOf = async () =>
      (
        await sql<{ trust_id: string }>(h.grove.dataSource, 'SELECT trust_id FROM credential WHERE project = $1', [
          demo.projectId,
        ])
      ).rows[0]?.trust_id;
    const first = await trustOf();
    expect(first).toMatch(/^[0-9a-f]{32}$/);

    // The user deletes it in Keystone, which also revokes the tokens the engine got from it.
    const gone = await fetch(`${h.sim.authUrl}/OS-TRUST/trusts/${first}`, {
      method: 'DELETE',
      headers: { 'x-auth-token': demo.token },
    });
    expect(gone.status).toBe(204);
    const failed = await actionEnd(
      await call('POST', `/v1/clusters/${clusterId}/actions`, { scale_out: { count: 1 } }),
    );
    expect(failed.status).toBe('FAILED');
    expect(failed.status_reason).toContain('Keystone refused');
    expect(await trustOf()).toBeUndefined();

    const retried = await actionEnd(
      await call('POST', `/v1/clusters/${clusterId}/actions`, { scale_out: { count: 1 } }),
    );
    expect(retried.status).toBe('SUCCEEDED');
    const second = await trustOf();
    expect(second).toMatch(/^[0-9a-f]{32}$/);
    expect(second).not.toBe(first);
  });
});
