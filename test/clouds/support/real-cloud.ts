import { Client } from 'pg';
import { Secret } from '@grove/core';
import { CloudConnector } from '@grove/drivers';
import { passwordToken, startGroveProcesses, type GroveProcesses } from '@grove/testing';

/** A setting the test/clouds/*.sh scripts print; npm run test:clouds passes them on. */
export const need = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run this through npm run test:clouds`);
  return v;
};

/** Grove's service user in the real Keystone of test/clouds/keystone.sh. */
export const keystoneSettings = () => ({
  KEYSTONE_AUTH_URL: need('KEYSTONE_AUTH_URL'),
  KEYSTONE_USERNAME: need('KEYSTONE_USERNAME'),
  KEYSTONE_PASSWORD: need('KEYSTONE_PASSWORD'),
  KEYSTONE_PROJECT_NAME: need('KEYSTONE_PROJECT_NAME'),
});

/**
 * Grove's built processes in keystone mode on the real cloud of test/clouds: tokens checked by the
 * real Keystone, and the engine working in each user's project on the real Nova, Glance and
 * Neutron through the user's trust, redeemed as the same service user.
 */
export async function startGroveOnRealCloud(label: string, env: Record<string, string> = {}): Promise<GroveProcesses> {
  const k = keystoneSettings();
  const grove = await startGroveProcesses({
    engines: 1,
    label,
    env: {
      AUTH_MODE: 'keystone',
      ...k,
      CLOUD_AUTH_URL: k.KEYSTONE_AUTH_URL,
      CLOUD_USERNAME: k.KEYSTONE_USERNAME,
      CLOUD_PASSWORD: k.KEYSTONE_PASSWORD,
      CLOUD_PROJECT_NAME: k.KEYSTONE_PROJECT_NAME,
      ...env,
    },
  });
  // The real Nova outlives Grove's test database: servers a test left are deleted on stop.
  const stop = grove.stop.bind(grove);
  grove.stop = async () => {
    const left = await serversOf(grove.dbUrl).catch(() => []);
    await stop();
    await deleteServers(left);
  };
  return grove;
}

async function serversOf(dbUrl: string): Promise<string[]> {
  const db = new Client({ connectionString: dbUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ physical_id: string }>(
      `SELECT physical_id FROM node WHERE physical_id IS NOT NULL`,
    );
    return rows.map((r) => r.physical_id);
  } finally {
    await db.end();
  }
}

/** Deletes servers in any project, as Keystone's admin. */
async function deleteServers(ids: string[]): Promise<void> {
  if (!ids.length) return;
  const { token } = await passwordToken(need('KEYSTONE_AUTH_URL'), {
    user: 'admin',
    password: need('GROVE_CLOUDS_PASSWORD'),
    project: 'admin',
  });
  for (const id of ids)
    await fetch(`${need('NOVA_URL')}/servers/${id}`, { method: 'DELETE', headers: { 'x-auth-token': token } });
}

/** What a server profile names on the real cloud: nova.sh's flavor, glance.sh's image, neutron.sh's network. */
export const realServer = () => ({
  flavor: need('NOVA_FLAVOR'),
  image: need('GLANCE_IMAGE_NAME'),
  networks: [{ network: need('NEUTRON_NETWORK') }],
});

/** Grove's drivers as the tenant alice in project-a, finding every service in Keystone's catalog. */
export const aliceConnector = (maxConnections = 8) =>
  new CloudConnector({
    credentials: {
      authUrl: need('KEYSTONE_AUTH_URL'),
      username: 'alice',
      password: new Secret(need('GROVE_CLOUDS_PASSWORD')),
      projectName: 'project-a',
      userDomainName: 'Default',
      projectDomainName: 'Default',
      interface: 'public',
    },
    requestTimeoutMs: 30_000,
    retries: 1,
    maxConnections,
    pollMinMs: 200,
    pollMaxMs: 1_000,
  });
