import amqp from 'amqplib';
import {
  apiClient,
  cloudAdminClient,
  serversOf,
  startGroveProcesses,
  TEST_AMQP_URL,
  type GroveProcesses,
} from '@grove/testing';
import { clusterWithPolicy, healthPolicy, SERVER_SPEC, until } from './support';

/** Exchanges of this run only, so that runs on one broker never see each other's notifications. */
const RUN = crypto.randomUUID().slice(0, 8);
const NOVA = `grove-test.nova.${RUN}`;
const HEAT = `grove-test.heat.${RUN}`;

/**
 * LIFECYCLE_EVENTS: the simulator publishes Nova's versioned notifications as Nova does; a server
 * stopped behind Grove's back (instance.power_off.end) is recreated by the health manager without
 * any polling.
 */
describe('the health manager, LIFECYCLE_EVENTS', () => {
  let grove: GroveProcesses;
  const api = apiClient(() => grove.apiUrl);

  beforeAll(async () => {
    grove = await startGroveProcesses({
      engines: 1,
      env: {
        HEALTH_CHECK_INTERVAL_MIN_S: '1',
        SIMULATOR_NOTIFICATIONS_AMQP_URL: TEST_AMQP_URL,
        SIMULATOR_NOTIFICATIONS_NOVA_EXCHANGE: NOVA,
        SIMULATOR_NOTIFICATIONS_HEAT_EXCHANGE: HEAT,
        HEALTH_NOVA_EXCHANGE: NOVA,
        HEALTH_HEAT_EXCHANGE: HEAT,
      },
    });
  }, 120_000);

  afterAll(async () => {
    await grove?.stop();
    const conn = await amqp.connect(TEST_AMQP_URL);
    const ch = await conn.createChannel();
    for (const x of [NOVA, HEAT]) await ch.deleteExchange(x);
    await conn.close();
  }, 60_000);

  it('recreates a server stopped behind Grove’s back, on Nova’s notification alone', async () => {
    await api.http('POST', '/v1/profiles', { body: { profile: { name: 'le', spec: SERVER_SPEC } } });
    const clusterId = await clusterWithPolicy(api, {
      name: 'le',
      profile: 'le',
      size: 2,
      // A long interval: only the notification can explain a repair within the test.
      spec: healthPolicy(600, { type: 'LIFECYCLE_EVENTS' }),
    });
    // The health manager holds the cluster once its lease round has run.
    await new Promise((r) => setTimeout(r, 3_000));

    const [victim] = await serversOf(grove.simUrl, clusterId);
    const res = await fetch(`${grove.simUrl}/admin/servers/${victim.id}/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'SHUTOFF' }),
    });
    expect(res.status).toBe(200);
    await until(grove, 'the stopped server replaced', async () => {
      const mine = (await serversOf(grove.simUrl, clusterId)).filter(
        (s) => s.metadata.cluster_node_id === victim.metadata.cluster_node_id,
      );
      return mine.length === 1 && mine[0].id !== victim.id && mine[0].status === 'ACTIVE' ? true : undefined;
    });
    const events = await api.http<{ events: { status: string; status_reason: string }[] }>(
      'GET',
      `/v1/events?oid=${victim.metadata.cluster_node_id}&action=NODE_RECOVER`,
    );
    expect(events.body.events.find((e) => e.status === 'UNHEALTHY')?.status_reason).toContain(
      'LIFECYCLE_EVENTS: instance.power_off.end',
    );
  }, 120_000);

  it('keeps a notice that waits for a repair slot, and repairs its node when one frees', async () => {
    await api.http('POST', '/v1/profiles', { body: { profile: { name: 'le-wait', spec: SERVER_SPEC } } });
    // min_size 2 of 2: one repair at a time, so the second stopped server waits for the first.
    const clusterId = await clusterWithPolicy(api, {
      name: 'le-wait',
      profile: 'le-wait',
      size: 2,
      minSize: 2,
      spec: healthPolicy(600, { type: 'LIFECYCLE_EVENTS' }),
    });
    await new Promise((r) => setTimeout(r, 3_000));
    // A recreated server takes a second to boot, so the first repair is still under way.
    await cloudAdminClient(grove.simUrl).setConfig({ build_time_ms: 1_000 });
    const before = await serversOf(grove.simUrl, clusterId);
    for (const s of before)
      await fetch(`${grove.simUrl}/admin/servers/${s.id}/status`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'SHUTOFF' }),
      });
    await until(grove, 'both stopped servers replaced', async () => {
      const now = await serversOf(grove.simUrl, clusterId);
      return now.length === 2 && now.every((s) => s.status === 'ACTIVE' && !before.some((b) => b.id === s.id))
        ? true
        : undefined;
    });
    await cloudAdminClient(grove.simUrl).setConfig({ build_time_ms: 0 });
    const events = await api.http<{ events: { status: string; status_reason: string }[] }>(
      'GET',
      `/v1/events?oid=${clusterId}&action=CLUSTER_RECOVER`,
    );
    expect(events.body.events.map((e) => e.status)).toContain('REPAIRS_WAITING');
  }, 120_000);
});
