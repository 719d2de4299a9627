import { readFileSync } from 'node:fs';
import { actionOf, apiClient, startGroveProcesses, type GroveProcesses } from '@grove/testing';
import { serversOf, setSimulatorConfig } from '../e2e/support/cloud';
import { consistency } from './consistency';

const NODES = 300;
const DEAD_AFTER_S = 5;

/**
 * Two engines build a 300-node cluster (short cloud calls, so that many of each engine's actions
 * are between their database steps and their cloud calls at any moment); one is frozen with SIGSTOP for twice the dead-after window
 * (the other takes its work over meanwhile), then resumed with SIGCONT. The resumed engine must not
 * go on with what it had: its lease ran out, so it stops its own work, and the epoch of every
 * action it had was raised by the takeover, so none of its writes lands. The create ends, nothing
 * is left running or busy, the cloud and the database agree, and deleting the cluster leaves
 * nothing of it in the cloud.
 */
describe('an engine paused for twice the dead-after window, then resumed', () => {
  let grove: GroveProcesses;
  const api = apiClient(() => grove.apiUrl);

  beforeAll(async () => {
    grove = await startGroveProcesses({
      engines: 2,
      env: { ENGINE_CONCURRENCY: '20', HEARTBEAT_INTERVAL_S: '1', SERVICE_DEAD_AFTER_S: String(DEAD_AFTER_S) },
    });
    await setSimulatorConfig(grove.simUrl, { build_time_ms: 0, latency_ms: 100 });
  }, 120_000);

  afterAll(async () => {
    for (const e of grove?.engines ?? []) e.child.kill('SIGCONT');
    await grove?.stop();
  }, 60_000);

  it('lets the other engine finish alone: no orphan, no ghost, no node with two servers', async () => {
    await api.http('POST', '/v1/profiles', {
      body: {
        profile: {
          name: 'paused',
          spec: {
            type: 'os.nova.server',
            version: '1.0',
            properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk' },
          },
        },
      },
    });
    const timeoutS = 150;
    const created = await api.http<{ cluster: { id: string } }>('POST', '/v1/clusters', {
      body: { cluster: { name: 'paused', profile_id: 'paused', desired_capacity: NODES, timeout: timeoutS } },
    });
    expect(created.status).toBe(202);
    const clusterId = created.body.cluster.id;

    const t0 = Date.now();
    while ((await serversOf(grove.simUrl, clusterId)).length < NODES / 5) {
      if (Date.now() - t0 > 60_000) throw new Error(`servers never appeared\n${grove.logs()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const frozen = grove.engines[0].child;
    frozen.kill('SIGSTOP');
    await new Promise((r) => setTimeout(r, 2 * DEAD_AFTER_S * 1000));
    frozen.kill('SIGCONT');

    const action = await api.waitForAction(actionOf(created), { timeoutMs: timeoutS * 1000 });
    expect(['SUCCEEDED', 'FAILED']).toContain(action.status);
    // Give the resumed engine time to do whatever it would still do.
    await new Promise((r) => setTimeout(r, 3000));
    // On waking it saw that it had been away too long, and stopped what it had.
    const resumedLog = readFileSync(grove.engines[0].logFile, 'utf8');
    expect(resumedLog).toContain('heartbeat lease ran out');
    const after = await consistency(grove.dbUrl, grove.simUrl, clusterId);
    expect({ ...after, servers: undefined, nodes: undefined }).toEqual({
      unfinished: [],
      stuck: [],
      orphans: [],
      ghosts: [],
      duplicates: [],
      servers: undefined,
      nodes: undefined,
    });

    const deleted = await api.http('DELETE', `/v1/clusters/${clusterId}`);
    expect(deleted.status).toBe(202);
    await api.waitForAction(actionOf(deleted), { timeoutMs: 60_000 });
    await new Promise((r) => setTimeout(r, 2000));
    expect(await serversOf(grove.simUrl, clusterId)).toEqual([]);
  }, 300_000);
});
