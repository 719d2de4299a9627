import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import amqp from 'amqplib';

export const TEST_AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/**
 * A queue prefix of its own for a test file, so runs sharing a broker never see each other's
 * messages. Queues declared under it are asked to expire when idle (see AmqpBackend queueExpiresMs).
 */
export const testQueuePrefix = (label = 't'): string =>
  `grove-test.${process.env.GROVE_TEST_RUN ?? 'x'}.${label}.${randomBytes(3).toString('hex')}`;

/** Idle queues of a test run disappear after this long even if the run crashed. */
export const TEST_QUEUE_EXPIRES_MS = 5 * 60_000;

/**
 * Removes the queues and exchanges a run declared under its prefix (the roles' queues and the
 * `<prefix>.notifications` exchange), and the named `queues` and `exchanges` it used besides.
 */
export async function deleteTestQueues(
  prefix: string,
  extra: { queues?: string[]; exchanges?: string[] } = {},
): Promise<void> {
  const conn = await amqp.connect(TEST_AMQP_URL);
  try {
    for (const q of extra.queues ?? []) {
      const ch = await conn.createChannel();
      await ch.deleteQueue(q).catch(() => undefined);
      await ch.close().catch(() => undefined);
    }
    for (const x of [`${prefix}.notifications`, ...(extra.exchanges ?? [])]) {
      const ch = await conn.createChannel();
      await ch.deleteExchange(x).catch(() => undefined);
      await ch.close().catch(() => undefined);
    }
    for (const role of ['engine', 'health']) {
      // One channel per deletion: deleting what does not exist closes the channel (404).
      for (const kind of ['work', 'rpc']) {
        const ch = await conn.createChannel();
        await ch.deleteQueue(`${prefix}.${role}.${kind}`).catch(() => undefined);
        await ch.close().catch(() => undefined);
      }
      const ch = await conn.createChannel();
      await ch.deleteExchange(`${prefix}.${role}.broadcast`).catch(() => undefined);
      await ch.close().catch(() => undefined);
    }
  } finally {
    await conn.close();
  }
}

const run = promisify(execFile);
/** `rabbitmqctl`, or TEST_RABBITMQCTL (e.g. `docker exec rabbit rabbitmqctl`) when the broker runs elsewhere. */
const rabbitmqctl = (...args: string[]) => {
  const [cmd, ...pre] = (process.env.TEST_RABBITMQCTL ?? 'rabbitmqctl').split(' ');
  return run(cmd, [...pre, '-q', ...args], { timeout: 30_000 });
};

/** The broker's ids of the open connections whose `connection_name` contains `match`. */
export async function brokerConnections(match: string): Promise<string[]> {
  const { stdout } = await rabbitmqctl('--no-table-headers', 'list_connections', 'pid', 'client_properties');
  return stdout
    .split('\n')
    .filter((line) => line.includes(match) && /"connection_name"/.test(line))
    .map((line) => line.split('\t')[0]);
}

/**
 * Makes the broker close every connection whose `connection_name` contains `match`, as a broker
 * restart does (`rabbitmqctl close_connection`). Returns how many it closed.
 */
export async function dropBrokerConnections(match: string, reason = 'grove test: connection dropped'): Promise<number> {
  const pids = await brokerConnections(match);
  const closed = await Promise.all(
    pids.map((pid) =>
      rabbitmqctl('close_connection', pid, reason).then(
        () => true,
        () => false, // it closed by itself meanwhile
      ),
    ),
  );
  return closed.filter(Boolean).length;
}
