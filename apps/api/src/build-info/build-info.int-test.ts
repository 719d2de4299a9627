import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useGrove } from '../testing/grove-harness';

const h = useGrove();
const { version } = JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8')) as {
  version: string;
};

describe('GET /v1/build-info', () => {
  it("reports Grove's version as the revision of the api and the engine, to anyone", async () => {
    const a = await h.http('GET', '/v1/build-info', { project: 'anyone' });
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ build_info: { api: { revision: version }, engine: { revision: version } } });
    expect(a.headers.get('openstack-api-version')).toBe('clustering 1.0');
  });

  it('ignores query parameters', async () => {
    expect((await h.http('GET', '/v1/build-info?bogus=1')).status).toBe(200);
  });
});
