// `npm run test:clouds`: Grove against real OpenStack services from Debian's packages. Each
// test/clouds/<service>.sh starts its service (installing and configuring it the first time) and
// prints its settings; the suite then runs with them, and a table says what passed, in how long.
// The services are left running for the next run; `test/clouds/<service>.sh stop` stops each.
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
// Each row starts its scripts (each prints its settings; later ones see earlier ones' too) and
// runs its tests. The rows that put Grove itself on the real cloud come last: they need it whole.
const CLOUD = ['test/clouds/keystone.sh', 'test/clouds/glance.sh', 'test/clouds/neutron.sh', 'test/clouds/nova.sh'];
const SERVICES = [
  { name: 'Keystone', scripts: ['test/clouds/keystone.sh'], tests: 'test/clouds/keystone-driver' },
  { name: 'Docker (podman)', scripts: ['test/clouds/podman.sh'], tests: 'test/clouds/docker-driver' },
  { name: 'Glance', scripts: ['test/clouds/glance.sh'], tests: 'test/clouds/image-driver' },
  { name: 'Neutron', scripts: ['test/clouds/neutron.sh'], tests: 'test/clouds/network-driver' },
  { name: 'Nova (fake driver)', scripts: ['test/clouds/nova.sh'], tests: 'test/clouds/compute-driver' },
  { name: 'Heat', scripts: ['test/clouds/heat.sh'], tests: 'test/clouds/orchestration-driver' },
  { name: 'Grove: Keystone auth, trusts, isolation', scripts: CLOUD, tests: 'test/clouds/keystone-auth' },
  { name: 'Grove: openstack CLI via Keystone', scripts: CLOUD, tests: 'test/clouds/cli-keystone' },
  {
    name: 'Grove: Heat OS::Senlin::* end to end',
    scripts: [...CLOUD, 'test/clouds/heat.sh'],
    tests: 'test/clouds/heat-senlin',
  },
];

// `npm run test:clouds -- heat nova` runs only the rows whose name has one of those words.
const only = process.argv.slice(2).map((w) => w.toLowerCase());
const chosen = SERVICES.filter((s) => !only.length || only.some((w) => s.name.toLowerCase().includes(w)));

const rows = [];
let failed = false;
for (const s of chosen) {
  const t0 = Date.now();
  const env = { ...process.env };
  let startedAll = true;
  for (const script of s.scripts) {
    const started = spawnSync(`${root}${script}`, ['start'], {
      cwd: root,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (started.status !== 0) {
      startedAll = false;
      break;
    }
    for (const m of started.stdout.matchAll(/^export ([A-Z_]+)=(.*)$/gm)) env[m[1]] = m[2];
  }
  if (!startedAll) {
    rows.push({ service: s.name, passed: 'could not start', seconds: ((Date.now() - t0) / 1000).toFixed(0) });
    failed = true;
    continue;
  }
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
