import { describeCloudOwnership, passwordToken } from '@grove/testing';
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
