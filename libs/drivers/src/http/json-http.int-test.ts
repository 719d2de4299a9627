import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudUnavailable } from '@grove/core';
import { JsonHttp } from './json-http';

/** JsonHttp against a local server that answers what each test scripts: which requests it repeats, and when. */
describe('JsonHttp retries', () => {
  let server: Server;
  let url: string;
  let replies: { status: number; headers?: Record<string, string> }[] = [];
  let seen: number[] = [];
  const http = new JsonHttp({ service: 'Test', timeoutMs: 2_000, retries: 3, maxConnections: 4 });

  beforeAll(async () => {
    server = createServer((_req, res) => {
      seen.push(Date.now());
      const r = replies.shift() ?? { status: 200 };
      res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers });
      res.end(JSON.stringify({ ok: r.status < 300 }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/things`;
  });
  beforeEach(() => {
    replies = [];
    seen = [];
  });
  afterAll(async () => {
    await http.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends a POST again after a 429 with Retry-After, waiting as told', async () => {
    replies = [{ status: 429, headers: { 'retry-after': '1' } }];
    const res = await http.request({ method: 'POST', url, body: {} });
    expect(res.status).toBe(200);
    expect(seen).toHaveLength(2);
    expect(seen[1] - seen[0]).toBeGreaterThanOrEqual(950);
  });

  it('does not repeat a POST answered 503, which may have been processed', async () => {
    replies = [{ status: 503 }];
    await expect(http.request({ method: 'POST', url, body: {} })).rejects.toBeInstanceOf(CloudUnavailable);
    expect(seen).toHaveLength(1);
  });

  it('repeats a GET and a POST marked idempotent on 500 and 503', async () => {
    replies = [{ status: 500 }, { status: 503 }];
    expect((await http.request({ method: 'GET', url })).status).toBe(200);
    replies = [{ status: 503 }];
    expect((await http.request({ method: 'POST', url, idempotent: true })).status).toBe(200);
    expect(seen).toHaveLength(5);
  });
});
