import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { simulatorConnector, startGroveProcesses, type GroveProcesses } from '@grove/testing';

/**
 * The real openstacksdk (Debian's python3-openstacksdk, installed by .ci/run) drives Grove's
 * separate processes, using only conn.clustering calls.
 */
describe('openstacksdk against Grove', () => {
  let grove: GroveProcesses;

  beforeAll(async () => {
    grove = await startGroveProcesses({ engines: 1 });
  }, 120_000);

  afterAll(async () => {
    await grove?.stop();
  }, 60_000);

  /** Runs one script of this folder against Grove; it prints `done` when every step behaved. */
  function runScript(script: string, done: string, env: Record<string, string> = {}): void {
    const run = spawnSync('/usr/bin/python3', [join(__dirname, script)], {
      env: { PATH: process.env.PATH ?? '', GROVE_URL: grove.apiUrl, ...env },
      encoding: 'utf8',
      timeout: 600_000,
    });
    const output = `${run.stdout}\n${run.stderr}`;
    if (run.status !== 0) throw new Error(`${script} exited ${run.status}:\n${output}\n${grove.logs()}`);
    expect(output).toContain(done);
  }

  it('runs profile, cluster create, scale out, resize, scale in, listings and delete', () => {
    runScript('sdk_lifecycle.py', 'openstacksdk lifecycle: all steps behaved');
  }, 600_000);

  it('previews and adopts a server made outside Grove, then deletes the node', async () => {
    // The server exists before Grove hears of it, as one a user made with Nova would.
    const connector = simulatorConnector({ authUrl: grove.simAuthUrl });
    const cloud = connector.forRegion('RegionOne');
    const [flavor, image, network] = await Promise.all([
      cloud.compute.findFlavor('m1.tiny'),
      cloud.image.findImage('cirros-0.6.2-x86_64-disk'),
      cloud.network.findNetwork('private'),
    ]);
    const { id } = await cloud.compute.createServer({
      name: 'sdk-legacy',
      flavorRef: flavor!.id,
      imageRef: image!.id,
      networks: [{ uuid: network!.id }],
      metadata: { team: 'sdk' },
    });
    await cloud.compute.waitForServer(id, ['ACTIVE'], cloud.wait(30_000));
    try {
      runScript('sdk_adopt.py', 'openstacksdk adopt: all steps behaved', { SERVER_ID: id });
      expect(await cloud.compute.getServer(id)).toBeNull();
    } finally {
      await connector.close();
    }
  }, 600_000);
});
