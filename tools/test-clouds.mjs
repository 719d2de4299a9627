// `npm run test:clouds`: Grove against real OpenStack services from Debian's packages. Each
// test/clouds/<service>.sh starts its service (installing and configuring it the first time) and
// prints its settings; the suite then runs with them, and a table says what passed, in how long.
// The services are left running for the next run; `test/clouds/<service>.sh stop` stops each.
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const SERVICES = [
  {
    name: 'Keystone',
    script: 'test/clouds/keystone.sh',
    tests: 'test/clouds/(keystone-auth|keystone-driver|cli-keystone)',
  },
  { name: 'Docker (podman)', script: 'test/clouds/podman.sh', tests: 'test/clouds/docker-driver' },
];

const rows = [];
let failed = false;
for (const s of SERVICES) {
  const t0 = Date.now();
  const started = spawnSync(`${root}${s.script}`, ['start'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (started.status !== 0) {
    rows.push({ service: s.name, passed: 'could not start', seconds: ((Date.now() - t0) / 1000).toFixed(0) });
    failed = true;
    continue;
  }
  const env = { ...process.env };
  for (const m of started.stdout.matchAll(/^export ([A-Z_]+)=(.*)$/gm)) env[m[1]] = m[2];
  const run = spawnSync(
    process.execPath,
    [
      `${root}node_modules/jest/bin/jest.js`,
      '--selectProjects',
      'clouds',
      '--runInBand',
      '--json',
      '--outputFile',
      `/tmp/grove-clouds-${process.pid}.json`,
      s.tests,
    ],
    { cwd: root, env, stdio: 'inherit' },
  );
  let passed = '?';
  try {
    const { readFileSync } = await import('node:fs');
    const r = JSON.parse(readFileSync(`/tmp/grove-clouds-${process.pid}.json`, 'utf8'));
    passed = `${r.numPassedTests}/${r.numTotalTests}`;
  } catch {
    /* jest printed why */
  }
  if (run.status !== 0) failed = true;
  rows.push({ service: s.name, passed, seconds: ((Date.now() - t0) / 1000).toFixed(0) });
}
console.log('\n| service | contract tests passed | time (s) |\n| --- | --- | --- |');
for (const r of rows) console.log(`| ${r.service} | ${r.passed} | ${r.seconds} |`);
process.exit(failed ? 1 : 0);
