import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startGroveProcesses, type GroveProcesses } from '@grove/testing';

/**
 * The real openstacksdk (Debian's python3-openstacksdk, installed by .ci/run) drives Grove's
 * separate processes through a whole cluster lifecycle, using only conn.clustering calls.
 */
describe('openstacksdk against Grove', () => {
  let grove: GroveProcesses;

  beforeAll(async () => {
    grove = await startGroveProcesses({ engines: 1 });
  }, 120_000);

  afterAll(async () => {
    await grove?.stop();
  }, 60_000);

  it('runs profile, cluster create, scale out, resize, scale in, listings and delete', () => {
    const run = spawnSync('/usr/bin/python3', [join(__dirname, 'sdk_lifecycle.py')], {
      env: { PATH: process.env.PATH ?? '', GROVE_URL: grove.apiUrl },
      encoding: 'utf8',
      timeout: 600_000,
    });
    const output = `${run.stdout}\n${run.stderr}`;
    if (run.status !== 0) throw new Error(`sdk_lifecycle.py exited ${run.status}:\n${output}\n${grove.logs()}`);
    expect(output).toContain('openstacksdk lifecycle: all steps behaved');
  }, 600_000);
});
