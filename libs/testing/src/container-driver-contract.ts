import { Agent } from 'undici';
import { JsonHttp, DockerDriver, type ContainerDriver } from '@grove/drivers';

/** A Docker Engine API to run the contract against. */
export interface DockerUnderTest {
  /** e.g. http://127.0.0.1:2375; with `socketPath`, any http:// URL (its host names nothing). */
  endpoint: string;
  /** A unix socket the API is served on instead of TCP, as Docker and podman serve it. */
  socketPath?: string;
  /** An image the engine has, whose default command keeps running. */
  image: string;
}

/**
 * Grove's Docker driver as a contract, run against the simulator's Docker API (int tests) and
 * podman's (test/clouds): containers created with a name, labels and a command, started,
 * stopped, restarted, paused, renamed, listed by label and removed.
 */
export function describeContainerDriver(name: string, docker: () => DockerUnderTest): void {
  describe(`the Docker driver (${name})`, () => {
    let d: ContainerDriver;
    let http: JsonHttp;
    let agent: Agent | undefined;
    let image = '';
    const run = crypto.randomUUID().slice(0, 8);
    const made: string[] = [];
    const wait = { timeoutMs: 30_000, minIntervalMs: 20, maxIntervalMs: 200 };

    beforeAll(() => {
      const u = docker();
      image = u.image;
      http = new JsonHttp({
        service: 'Docker',
        timeoutMs: 30_000,
        retries: 1,
        maxConnections: 4,
        dispatcher: (agent = u.socketPath ? new Agent({ connect: { socketPath: u.socketPath } }) : undefined),
      });
      d = new DockerDriver(u.endpoint, http);
    });
    afterAll(async () => {
      for (const id of made) await d.remove(id, { force: true }).catch(() => undefined);
      await http?.close();
      await agent?.close();
    });

    const create = async (suffix: string, command: string | string[] = ['/bin/sleep', '300']) => {
      const { id } = await d.create({
        name: `grove-contract-${run}-${suffix}`,
        image,
        command,
        labels: { 'grove.test.run': run, 'grove.test.case': suffix },
        env: ['GROVE=1'],
      });
      made.push(id);
      return id;
    };

    it('creates a container with its name, image and labels, and finds it by label', async () => {
      const id = await create('made');
      const c = await d.inspect(id);
      expect(c).toMatchObject({ id, name: `grove-contract-${run}-made`, status: 'created' });
      expect(c!.image).toContain(image.split(':')[0]);
      expect(c!.labels).toMatchObject({ 'grove.test.run': run, 'grove.test.case': 'made' });
      const listed = await d.list({ labels: { 'grove.test.case': 'made', 'grove.test.run': run } });
      expect(listed.map((x) => x.id)).toEqual([id]);
    }, 60_000);

    it('starts, pauses, unpauses, restarts, stops and renames it', async () => {
      const id = await create('life');
      await d.start(id);
      await d.waitForStatus(id, ['running'], wait);
      await d.pause(id);
      await d.waitForStatus(id, ['paused'], wait);
      await d.unpause(id);
      await d.waitForStatus(id, ['running'], wait);
      await d.restart(id, 1);
      await d.waitForStatus(id, ['running'], wait);
      await d.stop(id, 1);
      expect((await d.waitForStatus(id, ['exited'], wait)).status).toBe('exited');
      // Stopping a stopped container is no error (Docker's 304).
      await d.stop(id, 1);
      await d.rename(id, `grove-contract-${run}-renamed`);
      expect((await d.inspect(id))?.name).toBe(`grove-contract-${run}-renamed`);
    }, 90_000);

    it('removes a container, and a second removal or an unknown id is no error', async () => {
      const id = await create('gone');
      await d.start(id);
      await d.remove(id, { force: true });
      expect(await d.inspect(id)).toBeNull();
      await d.remove(id, { force: true });
      expect(await d.inspect(`grove-contract-${run}-never`)).toBeNull();
    }, 60_000);
  });
}
