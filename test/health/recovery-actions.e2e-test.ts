import { Client } from 'pg';
import { serversOf } from '@grove/testing';
import { breakServer, clusterWithPolicy, healthPolicy, SERVER_SPEC, until, useHealthGrove } from './support';

/**
 * Each recovery a health policy may ask for, run by the health manager on a server put in ERROR
 * behind Grove's back: REBOOT and REBUILD bring the same server back ACTIVE; RECREATE with
 * COMPUTE fencing replaces it.
 */
describe('the health manager’s recoveries', () => {
  const h = useHealthGrove();
  const api = h.api;

  beforeAll(async () => {
    await api.http('POST', '/v1/profiles', { body: { profile: { name: 'ra', spec: SERVER_SPEC } } });
  });

  const withRecovery = (recovery: Record<string, unknown>) => {
    const s = healthPolicy(1);
    return { ...s, properties: { ...s.properties, recovery } };
  };

  /** The NODE_RECOVER actions that ended, with what they were asked to do. */
  const recoveries = async (clusterId: string) => {
    const db = new Client({ connectionString: h.grove.dbUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ status: string; inputs: Record<string, unknown> }>(
        `SELECT status, inputs FROM action WHERE action = 'NODE_RECOVER' AND cluster_id = $1
           AND status IN ('SUCCEEDED', 'FAILED')`,
        [clusterId],
      );
      return rows;
    } finally {
      await db.end();
    }
  };

  it.each(['REBOOT', 'REBUILD'])(
    '%s brings the same server back ACTIVE',
    async (name) => {
      const clusterId = await clusterWithPolicy(api, {
        name: name.toLowerCase(),
        profile: 'ra',
        size: 1,
        spec: withRecovery({ actions: [{ name }] }),
      });
      const [server] = await serversOf(h.grove.simUrl, clusterId);
      await breakServer(h.grove.simUrl, server.id);
      const [done] = await until(h.grove, `the ${name} to end`, async () => {
        const rows = await recoveries(clusterId);
        return rows.length ? rows : undefined;
      });
      expect(done).toMatchObject({ status: 'SUCCEEDED', inputs: { operation: name } });
      const after = await serversOf(h.grove.simUrl, clusterId);
      expect(after.map((s) => [s.id, s.status])).toEqual([[server.id, 'ACTIVE']]);
    },
    60_000,
  );

  it('RECREATE with COMPUTE fencing force-deletes the old server and makes a new one', async () => {
    const clusterId = await clusterWithPolicy(api, {
      name: 'fenced',
      profile: 'ra',
      size: 1,
      spec: withRecovery({ actions: [{ name: 'RECREATE' }], fencing: ['COMPUTE'] }),
    });
    const [server] = await serversOf(h.grove.simUrl, clusterId);
    await breakServer(h.grove.simUrl, server.id);
    const [done] = await until(h.grove, 'the recreate to end', async () => {
      const rows = await recoveries(clusterId);
      return rows.length ? rows : undefined;
    });
    expect(done).toMatchObject({
      status: 'SUCCEEDED',
      inputs: { operation: 'RECREATE', operation_params: { fence_compute: true } },
    });
    const after = await serversOf(h.grove.simUrl, clusterId);
    expect(after).toHaveLength(1);
    expect(after[0].id).not.toBe(server.id);
  }, 60_000);
});
