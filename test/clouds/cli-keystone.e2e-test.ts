import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GroveProcesses } from '@grove/testing';
import { keystoneSettings, need, realServer, startGroveOnRealCloud } from './support/real-cloud';

/**
 * The README walkthrough with Keystone in front: Grove registered in the real Keystone's catalog
 * (npm run register-endpoint), and Debian's `openstack` CLI finding it from a clouds.yaml that
 * names only Keystone and a user, as a tenant's CLI would. Each tenant sees only its own.
 */
const ROOT = join(__dirname, '..', '..');

describe('the openstack CLI through Keystone', () => {
  let grove: GroveProcesses;
  const home = mkdtempSync(join(tmpdir(), 'grove-cli-ks-'));
  const keystone = keystoneSettings();

  beforeAll(async () => {
    grove = await startGroveOnRealCloud('clouds-cli');
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
      JSON.stringify({ type: 'os.nova.server', version: '1.0', properties: realServer() }),
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
