import { request } from 'node:http';
import { useGrove } from '../testing/grove-harness';

/** The version documents keystoneauth's discovery reads to find the v1 endpoint (API.md §1.6). */
const h = useGrove();

const document = (base: string) => ({
  id: '1.0',
  status: 'CURRENT',
  updated: '2016-01-18T00:00:00Z',
  min_version: '1.0',
  max_version: '1.15',
  'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.clustering-v1+json' }],
  links: [
    { rel: 'self', href: `${base}/v1` },
    { rel: 'help', href: 'https://docs.openstack.org/api-ref/clustering' },
  ],
});

describe('GET /', () => {
  it('answers 300 with the one version, linked at the address the client used', async () => {
    for (const path of ['/', '/versions']) {
      const a = await h.http('GET', path);
      expect(a.status).toBe(300);
      expect(a.headers.get('content-type')).toMatch(/^application\/json/);
      expect(a.body).toEqual({ versions: [document(h.url)] });
    }
  });

  it('follows the Host and X-Forwarded-Proto a proxy passes on', async () => {
    // fetch may not set Host; node's own client may.
    const body = await new Promise<unknown>((resolve, reject) => {
      const req = request(
        `${h.url}/`,
        { headers: { host: 'clustering.example.com:8777', 'x-forwarded-proto': 'https' } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve(JSON.parse(text)));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(body).toEqual({ versions: [document('https://clustering.example.com:8777')] });
  });

  it('is served before microversion negotiation, and without version headers', async () => {
    for (const version of ['9.9', 'bogus']) {
      const a = await h.http('GET', '/', { version });
      expect(a.status).toBe(300);
      expect(a.headers.get('openstack-api-version')).toBeNull();
      expect(a.headers.get('x-openstack-request-id')).toMatch(/^req-/);
    }
  });
});

describe('GET /v1', () => {
  it('answers 200 with the version document, with or without the slash or minor version', async () => {
    for (const path of ['/v1', '/v1/', '/v1.0', '/v1.0/']) {
      const a = await h.http('GET', path);
      expect({ path, status: a.status }).toEqual({ path, status: 200 });
      expect(a.body).toEqual({ version: document(h.url) });
      expect(a.headers.get('openstack-api-version')).toBeNull();
    }
  });

  it('serves the api under /v1.0 as under /v1', async () => {
    const a = await h.http<{ clusters: unknown[] }>('GET', '/v1.0/clusters?limit=1', { project: 'nobody' });
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ clusters: [] });
    expect((await h.http('GET', '/v1.00/clusters')).status).toBe(404);
  });

  it('still refuses a version outside 1.0-1.15', async () => {
    expect((await h.http('GET', '/v1/', { version: '2.0' })).status).toBe(406);
  });

  it('is 404 for a version that does not exist', async () => {
    for (const path of ['/vx', '/v2', '/v2/', '/v1.1'])
      expect((await h.http('GET', path, { headers: { accept: 'application/json' } })).status).toBe(404);
  });
});
