import { ResourceNotFound } from '@grove/core';
import type { QueueMessage } from '../bus-backend';
import { InProcessBackend } from './in-process-backend';

const tick = () => new Promise((r) => setImmediate(r));

describe('InProcessBackend named queues', () => {
  it('hands messages to a consumer one at a time, copied, and goes on after a handler fails', async () => {
    const bus = new InProcessBackend(() => undefined);
    await bus.declareQueue('q');
    const sent = { n: 1 };
    const seen: QueueMessage[] = [];
    let release!: () => void;
    await bus.consumeQueue('q', async (m) => {
      seen.push(m);
      if ((m.data as { n: number }).n === 1) await new Promise<void>((r) => (release = r));
      if ((m.data as { n: number }).n === 2) throw new Error('poison');
    });
    await bus.sendToQueue('q', sent, { messageId: 'm1' });
    await bus.sendToQueue('q', { n: 2 });
    await bus.sendToQueue('q', { n: 3 });
    await tick();
    expect(seen).toEqual([{ data: { n: 1 }, messageId: 'm1', redelivered: false }]);
    expect(seen[0].data).not.toBe(sent);
    release();
    for (let i = 0; i < 5; i++) await tick();
    expect(seen.map((m) => (m.data as { n: number }).n)).toEqual([1, 2, 3]);
  });

  it('drops what is sent to a queue nobody declared, and refuses to consume it', async () => {
    const bus = new InProcessBackend();
    await bus.sendToQueue('nowhere', { n: 1 });
    await expect(bus.consumeQueue('nowhere', async () => undefined)).rejects.toBeInstanceOf(ResourceNotFound);
  });

  it('tells the consumers of a deleted queue, and a cancelled consumer gets nothing more', async () => {
    const bus = new InProcessBackend();
    await bus.declareQueue('q');
    const gone: string[] = [];
    const seen: unknown[] = [];
    const cancel = await bus.consumeQueue('q', async (m) => void seen.push(m.data), { onGone: () => gone.push('a') });
    await cancel();
    await bus.sendToQueue('q', { n: 1 });
    await tick();
    expect(seen).toEqual([]);
    await bus.consumeQueue('q', async (m) => void seen.push(m.data), { onGone: () => gone.push('b') });
    await tick();
    expect(seen).toEqual([{ n: 1 }]);
    await bus.deleteQueue('q');
    expect(gone).toEqual(['b']);
    await bus.publishTopic('x', 'k', {}); // nobody to hear it, and no error
  });
});

describe('InProcessBackend calls', () => {
  const serveRpc = async (bus: InProcessBackend, rpc: () => Promise<unknown>) =>
    bus.serve('engine', { rpc, event: async () => undefined }, { workConcurrency: 1, rpcConcurrency: 1 });

  it('answers a bug in a handler with a generic error, and hands the bug itself to the log', async () => {
    const logged: unknown[] = [];
    const bus = new InProcessBackend((e) => logged.push(e));
    const bug = new TypeError("Cannot read properties of undefined (reading 'id')");
    await serveRpc(bus, async () => Promise.reject(bug));
    await expect(bus.call('engine', 'profile.validate', {}, 1000)).rejects.toMatchObject({
      status: 500,
      message: 'The engine failed to handle the request; see its log.',
    });
    expect(logged).toEqual([bug]);
  });

  it('passes a GroveError through as it is, without logging it', async () => {
    const logged: unknown[] = [];
    const bus = new InProcessBackend((e) => logged.push(e));
    await serveRpc(bus, async () => Promise.reject(new ResourceNotFound('profile', 'p')));
    await expect(bus.call('engine', 'profile.get', {}, 1000)).rejects.toBeInstanceOf(ResourceNotFound);
    expect(logged).toEqual([]);
  });
});
