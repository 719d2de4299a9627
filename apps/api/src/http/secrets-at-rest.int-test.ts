import { createHmac } from 'node:crypto';
import { Client } from 'pg';
import { freshProject } from '@grove/testing';
import { actionOf, useGrove } from '../testing/grove-harness';

/**
 * Secrets are sealed in Postgres: a dump of the tables holds none of them in clear, and Grove
 * still uses them (a cluster of the profile builds, a signed webhook still verifies).
 */
const h = useGrove();

const SERVER = {
  type: 'os.nova.server',
  version: '1.0',
  properties: {
    flavor: 'm1.tiny',
    image: 'cirros-0.6.2-x86_64-disk',
    admin_pass: 'clear-admin-pass',
    user_data: '#cloud-config\npassword: clear-user-data',
  },
};
const STACK = {
  type: 'os.heat.stack',
  version: '1.0',
  properties: {
    template: {
      heat_template_version: '2016-10-14',
      parameters: { Seed: { type: 'string', hidden: true }, DBPassword: { type: 'string' } },
      resources: { nothing: { type: 'OS::Heat::None' } },
    },
    parameters: { Seed: 'clear-hidden-seed', DBPassword: 'clear-db-password' },
  },
};
const WEBHOOK_SECRET = 'clear-webhook-secret-0123456789';
const CLEAR = ['clear-admin-pass', 'clear-user-data', 'clear-hidden-seed', 'clear-db-password', WEBHOOK_SECRET];

describe('secrets at rest', () => {
  const project = freshProject();

  it('leaves no secret in clear in any table, and still uses them', async () => {
    for (const [name, spec] of [
      ['server', SERVER],
      ['stack', STACK],
    ] as const)
      expect((await h.http('POST', '/v1/profiles', { project, body: { profile: { name, spec } } })).status).toBe(201);
    const made = await h.http<{ cluster: { id: string } }>('POST', '/v1/clusters', {
      project,
      body: { cluster: { name: 'sealed', profile_id: 'server', desired_capacity: 1 } },
    });
    expect((await h.waitForAction(actionOf(made), { project })).status).toBe('SUCCEEDED');
    const receiver = await h.http('POST', '/v1/receivers', {
      project,
      version: '1.15',
      body: {
        receiver: {
          name: 'signed',
          type: 'webhook',
          cluster_id: made.body.cluster.id,
          action: 'CLUSTER_SCALE_OUT',
          secret: WEBHOOK_SECRET,
        },
      },
    });
    expect(receiver.status).toBe(201);

    const db = new Client({ connectionString: (h.grove.dataSource.options as { url: string }).url });
    await db.connect();
    try {
      const { rows: tables } = await db.query<{ name: string }>(
        `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'`,
      );
      const found: string[] = [];
      for (const { name } of tables) {
        const { rows } = await db.query<{ dump: string }>(
          `SELECT coalesce(json_agg(t)::text, '') AS dump FROM "${name}" t`,
        );
        for (const secret of CLEAR) if (rows[0].dump.includes(secret)) found.push(`${name}: ${secret}`);
      }
      expect(found).toEqual([]);
      const { rows } = await db.query<{ spec: { properties: Record<string, unknown> } }>(
        `SELECT spec FROM profile WHERE name = 'server' AND project = $1`,
        [project],
      );
      expect(rows[0].spec.properties.admin_pass).toMatch(/^grove:sealed:v1:/);
      expect(rows[0].spec.properties.flavor).toBe('m1.tiny');
    } finally {
      await db.end();
    }
    // Grove opens what it sealed: a trigger signed with the webhook's secret is taken.
    const url = (receiver.body as { receiver: { channel: { alarm_url: string } } }).receiver.channel.alarm_url;
    const ts = String(Math.floor(Date.now() / 1000));
    const body = '{"count": 1}';
    const signature = createHmac('sha256', WEBHOOK_SECRET).update(`${ts}.${body}`).digest('hex');
    const signed = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-grove-timestamp': ts,
        'x-grove-signature': `sha256=${signature}`,
      },
      body,
    });
    expect(signed.status).toBe(202);
    // The api still shows them masked.
    const shown = await h.http<{ profile: { spec: { properties: Record<string, unknown> } } }>(
      'GET',
      '/v1/profiles/server',
      {
        project,
      },
    );
    expect(shown.body.profile.spec.properties).toMatchObject({
      admin_pass: '***',
      user_data: '***',
      flavor: 'm1.tiny',
    });
  });
});
