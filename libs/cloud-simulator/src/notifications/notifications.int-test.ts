import { randomUUID } from 'node:crypto';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import type { SimulatorLogger } from '../simulator';
import { useSimulator, type Json } from '../testing/simulator-fixture';

const AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const NOVA = '/RegionOne/compute/v2.1';
const CIRROS = '55941991-9c07-4db1-8c59-1c7bb6d36aeb';
const MEMBERSHIP = { cluster_id: 'c-1', cluster_node_id: 'n-1', cluster_node_index: '1' };

/** A notification as a consumer sees it: where it came in, and the decoded oslo message. */
interface Received {
  exchange: string;
  routingKey: string;
  contentType: string | undefined;
  envelope: Json;
  message: Json;
}

/**
 * An exclusive, auto-deleted queue bound to both exchanges, as a notification consumer would
 * bind one, collecting what arrives.
 */
async function listen(exchanges: string[]) {
  const conn: ChannelModel = await amqp.connect(AMQP_URL);
  const ch: Channel = await conn.createChannel();
  const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true });
  for (const x of exchanges) {
    await ch.assertExchange(x, 'topic', { durable: false, autoDelete: false });
    await ch.bindQueue(queue, x, '#');
  }
  const got: Received[] = [];
  const waiters: (() => void)[] = [];
  await ch.consume(
    queue,
    (m) => {
      if (!m) return;
      const envelope = JSON.parse(m.content.toString('utf8'));
      got.push({
        exchange: m.fields.exchange,
        routingKey: m.fields.routingKey,
        contentType: m.properties.contentType,
        envelope,
        message: JSON.parse(envelope['oslo.message']),
      });
      for (const w of waiters.splice(0)) w();
    },
    { noAck: true },
  );
  return {
    /** The first message (from now back to the start) matching `match`, waiting up to 5 s for it. */
    async next(match: (r: Received) => boolean, what: string): Promise<Received> {
      const deadline = Date.now() + 5_000;
      for (;;) {
        const found = got.find(match);
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(`no ${what}; got ${got.map((r) => r.message.event_type).join(', ') || 'nothing'}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
    got,
    clear: () => got.splice(0),
    async close() {
      await conn.close();
    },
  };
}

const event =
  (type: string, id?: string) =>
  (r: Received): boolean =>
    r.message.event_type === type &&
    (id === undefined || (r.message.payload['nova_object.data']?.uuid ?? r.message.payload.stack_identity) === id);

describe('notifications', () => {
  const run = randomUUID();
  const exchanges = { nova: `grove-test.nova.${run}`, heat: `grove-test.heat.${run}` };
  const f = useSimulator({
    notifications: { amqpUrl: AMQP_URL, novaExchange: exchanges.nova, heatExchange: exchanges.heat },
  });
  let bus: Awaited<ReturnType<typeof listen>>;
  let heat: string;

  beforeAll(async () => {
    bus = await listen([exchanges.nova, exchanges.heat]);
    heat = `/RegionOne/orchestration/v1/${f.projectId}`;
  });
  afterAll(async () => {
    // The simulator first, so it cannot declare the exchanges again once they are gone.
    await f.sim.close();
    const conn = await amqp.connect(AMQP_URL);
    const ch = await conn.createChannel();
    for (const x of Object.values(exchanges)) await ch.deleteExchange(x);
    await conn.close();
    await bus.close();
  });
  beforeEach(() => {
    f.sim.admin.reset();
    bus.clear();
  });

  const boot = async (metadata: Record<string, string> = MEMBERSHIP): Promise<string> => {
    const res = await f.call('POST', `${NOVA}/servers`, {
      body: { server: { name: 'web-1', flavorRef: '1', imageRef: CIRROS, metadata } },
    });
    expect(res.status).toBe(202);
    await bus.next(event('instance.create.end', res.body.server.id), 'instance.create.end');
    return res.body.server.id;
  };
  const act = async (id: string, body: unknown) =>
    expect((await f.call('POST', `${NOVA}/servers/${id}/action`, { body })).status).toBeLessThan(300);
  const force = async (id: string, status: string) =>
    expect((await f.call('POST', `/admin/servers/${id}/status`, { token: null, body: { status } })).status).toBe(200);
  const data = (r: Received): Json => r.message.payload['nova_object.data'];

  it('sends instance.delete.end, after instance.shutdown.end, in oslo.messaging’s 2.0 envelope, when a server is deleted', async () => {
    const id = await boot();
    const host = f.sim.admin.resources({ type: 'servers' }).servers![0].host;
    expect((await f.call('DELETE', `${NOVA}/servers/${id}`)).status).toBe(204);
    const deleted = await bus.next(event('instance.delete.end', id), 'instance.delete.end');
    const shutdown = await bus.next(event('instance.shutdown.end', id), 'instance.shutdown.end');
    expect(bus.got.indexOf(shutdown)).toBeLessThan(bus.got.indexOf(deleted));

    expect(deleted).toMatchObject({
      exchange: exchanges.nova,
      routingKey: 'versioned_notifications.info',
      contentType: 'application/json',
    });
    expect(Object.keys(deleted.envelope).sort()).toEqual(['oslo.message', 'oslo.version']);
    expect(deleted.envelope['oslo.version']).toBe('2.0');
    expect(deleted.message).toMatchObject({
      message_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      publisher_id: `nova-compute:${host}`,
      event_type: 'instance.delete.end',
      priority: 'INFO',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?$/),
      _unique_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      _context_project_id: f.projectId,
      _context_is_admin: true,
      _context_request_id: expect.stringMatching(/^req-/),
      payload: {
        'nova_object.name': 'InstanceActionPayload',
        'nova_object.namespace': 'nova',
        'nova_object.version': '1.9',
      },
    });
    expect(data(deleted)).toMatchObject({
      uuid: id,
      display_name: 'web-1',
      host,
      tenant_id: f.projectId,
      state: 'deleted',
      power_state: 'pending',
      task_state: null,
      deleted_at: expect.stringMatching(/Z$/),
      metadata: MEMBERSHIP,
      ip_addresses: [],
      fault: null,
      action_initiator_project: f.projectId,
      flavor: { 'nova_object.name': 'FlavorPayload', 'nova_object.data': { flavorid: '1' } },
    });
    expect(data(shutdown)).toMatchObject({ task_state: 'deleting', metadata: MEMBERSHIP });
  });

  it('sends the delete notifications in an admin context when a server vanishes through the admin API', async () => {
    const id = await boot();
    expect((await f.call('DELETE', `/admin/resources/servers/${id}`, { token: null })).status).toBe(204);
    await bus.next(event('instance.shutdown.end', id), 'instance.shutdown.end');
    const deleted = await bus.next(event('instance.delete.end', id), 'instance.delete.end');
    expect(deleted.message).toMatchObject({ _context_project_id: null, _context_user: null, _context_is_admin: true });
    expect(data(deleted)).toMatchObject({
      metadata: MEMBERSHIP,
      tenant_id: f.projectId,
      action_initiator_user: null,
      request_id: null,
    });
  });

  it('sends instance.power_off.end when a server is stopped, by its owner or behind its back', async () => {
    const id = await boot();
    await act(id, { 'os-stop': null });
    const stopped = await bus.next(event('instance.power_off.end', id), 'instance.power_off.end');
    expect(data(stopped)).toMatchObject({ state: 'stopped', power_state: 'shutdown', metadata: MEMBERSHIP });
    expect(stopped.message._context_user_id).toBe(f.sim.admin.resources({ type: 'servers' }).servers![0].user_id);

    const other = await boot();
    await force(other, 'SHUTOFF');
    const update = await bus.next(event('instance.update', other), 'instance.update');
    expect(update.message.publisher_id).toBe('nova-api:regionone-controller');
    expect(data(update).state_update['nova_object.data']).toEqual({
      old_state: 'active',
      state: 'stopped',
      old_task_state: null,
      new_task_state: null,
    });
    const forced = await bus.next(event('instance.power_off.end', other), 'instance.power_off.end');
    expect(forced.message).toMatchObject({ priority: 'INFO', _context_project_id: null });
    expect(data(forced)).toMatchObject({ state: 'stopped', metadata: MEMBERSHIP });
  });

  it('sends instance.pause.end when a server is paused, by its owner or behind its back', async () => {
    const id = await boot();
    await act(id, { pause: null });
    expect(data(await bus.next(event('instance.pause.end', id), 'instance.pause.end'))).toMatchObject({
      state: 'paused',
      power_state: 'paused',
    });
    const other = await boot();
    await force(other, 'PAUSED');
    expect(data(await bus.next(event('instance.pause.end', other), 'forced instance.pause.end'))).toMatchObject({
      state: 'paused',
      metadata: MEMBERSHIP,
    });
  });

  it('sends instance.reboot.end and instance.rebuild.end when those actions finish', async () => {
    f.sim.admin.updateConfig({ action_time_ms: 100 });
    const id = await boot();
    await act(id, { reboot: { type: 'HARD' } });
    const rebooted = await bus.next(event('instance.reboot.end', id), 'instance.reboot.end');
    expect(data(rebooted)).toMatchObject({ state: 'active', task_state: null, metadata: MEMBERSHIP });
    await act(id, { rebuild: { imageRef: CIRROS } });
    const rebuilt = await bus.next(event('instance.rebuild.end', id), 'instance.rebuild.end');
    expect(rebuilt.message.payload).toMatchObject({
      'nova_object.name': 'InstanceActionRebuildPayload',
      'nova_object.version': '1.10',
      'nova_object.data': { image_uuid: CIRROS, trusted_image_certificates: null, metadata: MEMBERSHIP },
    });
    // Sent when the action ends, not when it was asked for.
    expect(Date.parse(data(rebuilt).updated_at)).toBeGreaterThanOrEqual(Date.parse(data(rebooted).updated_at));
  });

  it('sends instance.update with state error when a server is forced to ERROR', async () => {
    const id = await boot();
    await force(id, 'ERROR');
    const update = await bus.next(event('instance.update', id), 'instance.update');
    expect(update).toMatchObject({ routingKey: 'versioned_notifications.info' });
    expect(update.message.payload).toMatchObject({
      'nova_object.name': 'InstanceUpdatePayload',
      'nova_object.version': '2.1',
      'nova_object.data': {
        state: 'error',
        power_state: 'pending',
        metadata: MEMBERSHIP,
        state_update: { 'nova_object.data': { old_state: 'active', state: 'error' } },
      },
    });
  });

  it('sends instance.create.error at ERROR priority when a build fails', async () => {
    f.sim.admin.updateConfig({ build_failure_rate: 1 });
    const res = await f.call('POST', `${NOVA}/servers`, {
      body: { server: { name: 'doomed', flavorRef: '1', imageRef: CIRROS, metadata: MEMBERSHIP } },
    });
    const failed = await bus.next(event('instance.create.error', res.body.server.id), 'instance.create.error');
    expect(failed).toMatchObject({ routingKey: 'versioned_notifications.error' });
    expect(failed.message).toMatchObject({ priority: 'ERROR', publisher_id: expect.stringMatching(/^nova-compute:/) });
    expect(failed.message.payload).toMatchObject({
      'nova_object.name': 'InstanceCreatePayload',
      'nova_object.version': '1.13',
      'nova_object.data': {
        state: 'building',
        metadata: MEMBERSHIP,
        fault: {
          'nova_object.name': 'ExceptionPayload',
          'nova_object.data': {
            exception: 'BuildAbortException',
            exception_message: expect.stringContaining('simulated build failure'),
          },
        },
      },
    });
  });

  describe('Heat', () => {
    const TAGS = ['cluster_id=c-1', 'cluster_node_id=n-1', 'cluster_node_index=1'];
    const TEMPLATE = {
      heat_template_version: '2016-10-14',
      description: 'a node',
      resources: {
        server: { type: 'OS::Nova::Server', properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk' } },
      },
    };
    const stack = async (name = 'node-1'): Promise<string> => {
      const res = await f.call('POST', `${heat}/stacks`, {
        body: { stack_name: name, template: TEMPLATE, tags: TAGS.join(',') },
      });
      expect(res.status).toBe(201);
      return res.body.stack.id;
    };
    const stackEvent = (type: string, id: string) => event(`orchestration.stack.${type}`, id);

    it('sends orchestration.stack.delete.end when a stack is deleted', async () => {
      const id = await stack();
      await bus.next(stackEvent('create.end', id), 'orchestration.stack.create.end');
      expect((await f.call('DELETE', `${heat}/stacks/node-1/${id}`)).status).toBe(204);
      const deleted = await bus.next(stackEvent('delete.end', id), 'orchestration.stack.delete.end');
      expect(deleted).toMatchObject({ exchange: exchanges.heat, routingKey: 'notifications.info' });
      expect(deleted.envelope['oslo.version']).toBe('2.0');
      expect(deleted.message).toMatchObject({
        publisher_id: 'orchestration.regionone-controller',
        priority: 'INFO',
        _context_project_id: f.projectId,
        _context_username: 'admin',
        payload: {
          stack_identity: id,
          stack_name: 'node-1',
          tenant_id: f.projectId,
          state: 'DELETE_COMPLETE',
          state_reason: 'Stack DELETE completed successfully',
          tags: TAGS,
          username: 'admin',
          user_id: 'admin',
          user_identity: expect.any(String),
          description: 'a node',
          create_at: expect.stringMatching(/Z$/),
        },
      });
      // Heat asked Nova to delete the stack's server.
      await bus.next(event('instance.delete.end'), 'instance.delete.end');
    });

    it('sends orchestration.stack.delete.end when a stack vanishes through the admin API', async () => {
      const id = await stack();
      expect((await f.call('DELETE', `/admin/resources/stacks/${id}`, { token: null })).status).toBe(204);
      const deleted = await bus.next(stackEvent('delete.end', id), 'orchestration.stack.delete.end');
      expect(deleted.message.payload).toMatchObject({ state: 'DELETE_COMPLETE', tags: TAGS });
    });

    it('sends orchestration.stack.<action>.error at ERROR priority when a stack is forced to FAILED', async () => {
      const id = await stack();
      const res = await f.call('POST', `/admin/stacks/${id}/status`, {
        token: null,
        body: { status: 'UPDATE_FAILED', reason: 'quota gone' },
      });
      expect(res.status).toBe(200);
      const failed = await bus.next(stackEvent('update.error', id), 'orchestration.stack.update.error');
      expect(failed).toMatchObject({ routingKey: 'notifications.error' });
      expect(failed.message).toMatchObject({
        priority: 'ERROR',
        payload: { state: 'UPDATE_FAILED', state_reason: 'quota gone', tags: TAGS, updated_at: expect.any(String) },
      });
    });

    it('sends orchestration.stack.create.error when a stack’s server fails to build', async () => {
      f.sim.admin.updateConfig({ build_failure_rate: 1 });
      const id = await stack();
      const failed = await bus.next(stackEvent('create.error', id), 'orchestration.stack.create.error');
      expect(failed.message.payload).toMatchObject({ state: 'CREATE_FAILED', tags: TAGS });
      expect(failed.message.payload.state_reason).toContain('Resource CREATE failed');
    });
  });
});

describe('notifications with the broker out of reach', () => {
  const warnings: string[] = [];
  const logger: SimulatorLogger = { info: () => undefined, warn: (_o, msg) => warnings.push(msg ?? '') };
  // Nothing listens on port 1: every connection attempt is refused.
  const f = useSimulator({ notifications: { amqpUrl: 'amqp://guest:guest@127.0.0.1:1' }, logger });

  it('keeps answering, at its usual speed, and says once that it cannot publish', async () => {
    const t0 = performance.now();
    const made = await f.call('POST', `${NOVA}/servers`, {
      body: { server: { name: 'vm', flavorRef: '1', imageRef: CIRROS, metadata: MEMBERSHIP } },
    });
    expect(made.status).toBe(202);
    const id = made.body.server.id;
    expect((await f.call('GET', `${NOVA}/servers/${id}`)).body.server.status).toBe('ACTIVE');
    expect(
      (await f.call('POST', `/admin/servers/${id}/status`, { token: null, body: { status: 'ERROR' } })).status,
    ).toBe(200);
    expect((await f.call('DELETE', `${NOVA}/servers/${id}`)).status).toBe(204);
    expect((await f.call('GET', `${NOVA}/servers/${id}`)).status).toBe(404);
    expect(performance.now() - t0).toBeLessThan(1_000);
    // Long enough for a retry or two: still one warning for the one outage.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(warnings.filter((w) => w.startsWith('notifications: cannot publish'))).toHaveLength(1);
  });
});
