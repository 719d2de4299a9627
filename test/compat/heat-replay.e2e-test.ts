import { join } from 'node:path';
import { cloudAdminClient, startGroveProcesses, type GroveProcesses } from '@grove/testing';
import { runPython } from './support/clients';

const TEMPLATE = join(__dirname, '../../deploy/examples/autoscaling-web.yaml');

/**
 * deploy/examples/autoscaling-web.yaml as Heat would run it: heat_autoscaling_web.py replays the
 * openstacksdk calls of Heat's OS::Senlin::* resources (constraints, creates and their polling,
 * outputs, a stack update, the stack delete) against Grove's separate processes.
 */
describe('the Heat replay of autoscaling-web.yaml', () => {
  let grove: GroveProcesses;

  beforeAll(async () => {
    grove = await startGroveProcesses({ engines: 1, label: 'compat-heat' });
  }, 120_000);

  afterAll(async () => {
    await grove?.stop();
  }, 60_000);

  it('creates the stack, computes every output, scales on the alarm URL, updates and deletes it leaving nothing', async () => {
    const run = await runPython(join(__dirname, 'heat_autoscaling_web.py'), {
      GROVE_URL: grove.apiUrl,
      SIM_URL: grove.simUrl,
      TEMPLATE,
    }).catch((e: Error) => {
      throw new Error(`${e.message}\n${grove.logs()}`);
    });
    for (const output of ['cluster_id', 'nodes', 'server_addresses', 'scale_out_url', 'scale_in_url'])
      expect(run.stdout).toContain(`ok: output ${output} is computed`);
    expect(run.stdout).toContain('heat replay of autoscaling-web.yaml: all steps behaved');

    const left = await cloudAdminClient(grove.simUrl).resources({ type: ['servers', 'loadbalancers'] });
    expect([left.servers, left.loadbalancers]).toEqual([[], []]);
  }, 300_000);
});
