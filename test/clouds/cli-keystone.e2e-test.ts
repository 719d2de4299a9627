import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGroveProcesses, type GroveProcesses } from '@grove/testing';

/**
 * The README walkthrough with Keystone in front: Grove registered in the real Keystone's catalog
 * (npm run register-endpoint), and Debian's `openstack` CLI finding it from a clouds.yaml that
 * names only Keystone and a user, as a tenant's CLI would. Each tenant sees only its own.
 */
const need = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run this through npm run test:clouds`);
  return v;
};
const ROOT = join(__dirname, '..', '..');

describe('the openstack CLI through Keystone', () => {
  let grove: GroveProcesses;
  const home = mkdtempSync(join(tmpdir(), 'grove-cli-ks-'));
  const keystone = {
    KEYSTONE_AUTH_URL: need('KEYSTONE_AUTH_URL'),
    KEYSTONE_USERNAME: need('KEYSTONE_USERNAME'),
    KEYSTONE_PASSWORD: need('KEYSTONE_PASSWORD'),
    KEYSTONE_PROJECT_NAME: need('KEYSTONE_PROJECT_NAME'),
  };

  beforeAll(async () => {
    grove = await startGroveProcesses({ engines: 1, label: 'clouds-cli', env: { AUTH_MODE: 'keystone', ...keystone } });
    const registered = spawnSync(process.execPath, [join(ROOT, 'dist/apps/api/src/register-endpoint.js')], {
      env: { PATH: process.env.PATH ?? '', ...keystone, AUTH_MODE: 'keystone', API_PUBLIC_URL: grove.apiUrl },
      encoding: 'utf8',
    });
    if (registered.status !== 0) throw new Error(`register-endpoint failed:\n${registered.stdout}${registered.stderr}`);
    const cloud = (user: string, project: string) => `
  ${user}:
    auth:
      auth_url: ${keystone.KEYSTONE_AUTH_URL}
      username: ${user}
      password: ${need('GROVE_CLOUDS_PASSWORD')}
      project_name: ${project}
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    identity_api_version: 3`;
    writeFileSync(join(home, 'clouds.yaml'), `clouds:${cloud('alice', 'project-a')}${cloud('bob', 'project-b')}\n`);
    writeFileSync(
      join(home, 'server.yaml'),
      'type: os.nova.server\nversion: 1.0\nproperties:\n  flavor: m1.tiny\n  image: cirros-0.6.2-x86_64-disk\n',
    );
  }, 120_000);

  afterAll(async () => {
    await grove?.stop();
  }, 60_000);

  const cli = (cloud: string, args: string[]) =>
    new Promise<string>((resolve, reject) => {
      execFile(
        'openstack',
        ['--os-cloud', cloud, '--os-clustering-api-version', '1.14', ...args],
        {
          cwd: home,
          env: { PATH: process.env.PATH ?? '', HOME: home, OS_CLIENT_CONFIG_FILE: join(home, 'clouds.yaml') },
          timeout: 120_000,
        },
        (err, stdout, stderr) =>
          err ? reject(new Error(`openstack ${args.join(' ')}: ${stdout}${stderr}`)) : resolve(stdout),
      );
    });
  const json = async <T>(cloud: string, args: string[]) => JSON.parse(await cli(cloud, [...args, '-f', 'json'])) as T;

  it('creates a profile and a cluster as alice, which bob cannot see', async () => {
    const profile = await json<{ id: string; name: string; project_id: string }>('alice', [
      'cluster',
      'profile',
      'create',
      '--spec-file',
      join(home, 'server.yaml'),
      'web-server',
    ]);
    expect(profile.name).toBe('web-server');
    await cli('alice', ['cluster', 'create', '--profile', 'web-server', '--desired-capacity', '1', 'web']);
    let status = '';
    for (const deadline = Date.now() + 60_000; status !== 'ACTIVE' && Date.now() < deadline;) {
      status = (await json<{ status: string }>('alice', ['cluster', 'show', 'web'])).status;
      if (status !== 'ACTIVE') await new Promise((r) => setTimeout(r, 500));
    }
    expect(status).toBe('ACTIVE');
    expect((await json<{ name: string }[]>('alice', ['cluster', 'list'])).map((c) => c.name)).toEqual(['web']);
    expect(await json<unknown[]>('bob', ['cluster', 'list'])).toEqual([]);
    expect(await json<unknown[]>('bob', ['cluster', 'profile', 'list'])).toEqual([]);
    await expect(cli('bob', ['cluster', 'show', 'web'])).rejects.toThrow(/not found|could not be found/i);
  }, 180_000);
});
