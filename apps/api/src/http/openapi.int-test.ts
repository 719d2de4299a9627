import type { NestExpressApplication } from '@nestjs/platform-express';
import { useGrove } from '../testing/grove-harness';
import { OPENAPI_JSON_PATH, OPENAPI_PAGE_PATH } from './openapi';

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

/** The OpenAPI document is made from the controllers: every route the api serves is in it. */
describe('the OpenAPI document', () => {
  const h = useGrove();

  const served = (): string[] => {
    const app = h.grove.app as NestExpressApplication;
    const router = (app.getHttpAdapter().getInstance() as { router: { stack: Layer[] } }).router;
    return (
      router.stack
        .filter((l) => l.route)
        .flatMap((l) =>
          [l.route!.path]
            .flat()
            .flatMap((path) =>
              Object.keys(l.route!.methods).map((m) => `${m.toUpperCase()} ${path.replace(/:(\w+)/g, '{$1}')}`),
            ),
        )
        .filter((r) => !r.includes(OPENAPI_PAGE_PATH) && !r.includes(OPENAPI_JSON_PATH))
        // Nest's handler of unmatched URLs (mounted on every method), not an endpoint.
        .filter((r) => !r.endsWith(' /{*path}'))
    );
  };

  it('lists every route the api serves, with its method and path parameters', async () => {
    const a = await h.http<{
      openapi: string;
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
    }>('GET', OPENAPI_JSON_PATH);
    expect(a.status).toBe(200);
    expect(a.body.openapi).toMatch(/^3\./);
    const documented = Object.entries(a.body.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const routes = served();
    expect(routes.length).toBeGreaterThan(50);
    expect(routes.filter((r) => !documented.includes(r))).toEqual([]);
    for (const [path, ops] of Object.entries(a.body.paths))
      for (const [verb, op] of Object.entries(ops)) {
        const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
        const declared = (op.parameters ?? [])
          .filter((p) => p.in === 'path')
          .map((p) => p.name)
          .sort();
        expect({ route: `${verb} ${path}`, params: declared }).toEqual({ route: `${verb} ${path}`, params: inPath });
      }
  });

  it('is browsable: the page and its bundled assets load without a network', async () => {
    const page = await fetch(`${h.url}${OPENAPI_PAGE_PATH}`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('swagger-ui');
    const assets = [...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
    expect(assets).toEqual(expect.arrayContaining([expect.stringContaining('swagger-ui-bundle.js')]));
    for (const asset of assets) {
      const got = await fetch(new URL(asset, `${h.url}${OPENAPI_PAGE_PATH}`));
      expect({ asset, status: got.status }).toEqual({ asset, status: 200 });
    }
  });
});
