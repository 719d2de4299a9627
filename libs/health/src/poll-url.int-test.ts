import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pollNode, type PollUrlMode } from './poll-url';

/** pollNode against a local HTTP server whose answers each test sets. */
describe('pollNode', () => {
  let server: Server;
  let base: string;
  let answers: Record<string, string> = {};
  let hits = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits++;
      const name = decodeURIComponent((req.url ?? '').split('/').pop() ?? '');
      res.end(answers[name] ?? 'DOWN');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    answers = {};
    hits = 0;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const mode = (o: Partial<PollUrlMode> = {}): PollUrlMode => ({
    poll_url: `${base}/health/{nodename}`,
    poll_url_ssl_verify: true,
    poll_url_conn_error_as_unhealthy: true,
    poll_url_healthy_response: '^OK',
    poll_url_retry_limit: 3,
    poll_url_retry_interval: 0,
    ...o,
  });
  const signal = () => AbortSignal.timeout(10_000);

  it('is healthy on an answer that matches, at the first poll', async () => {
    answers['n-1'] = 'OK all good';
    expect(await pollNode(mode(), 'n-1', signal())).toEqual({ failed: false });
    expect(hits).toBe(1);
  });

  it('fails after the retry limit of answers that do not match', async () => {
    const v = await pollNode(mode(), 'n-2', signal());
    expect(v).toEqual({ failed: true, reason: expect.stringContaining("does not match '^OK'") });
    expect(hits).toBe(3);
  });

  it('counts a refused connection as failed only when told to', async () => {
    const closed = { poll_url: 'http://127.0.0.1:1/health/{nodename}', poll_url_retry_limit: 1 };
    expect(await pollNode(mode(closed), 'n', signal())).toEqual({
      failed: true,
      reason: expect.stringContaining('ECONNREFUSED'),
    });
    expect(await pollNode(mode({ ...closed, poll_url_conn_error_as_unhealthy: false }), 'n', signal())).toEqual({
      failed: false,
    });
  });

  it('does not poll a URL a node name would steer elsewhere', async () => {
    const v = await pollNode(mode({ poll_url: 'http://{nodename}.example.com/' }), 'evil.com/x', signal());
    expect(v).toEqual({ failed: true, reason: expect.stringContaining('not one Grove may call') });
    expect(hits).toBe(0);
  });
});
