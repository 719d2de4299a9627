// `npm test`: everything CI runs, in order of speed. Needs Postgres (127.0.0.1:5432, user
// postgres, trust auth) and RabbitMQ (127.0.0.1:5672, guest/guest), or TEST_PG_URL / TEST_AMQP_URL.
// `npm test -- unit` (or int, e2e) runs one layer only.
import { spawnSync } from 'node:child_process';
import { createConnection } from 'node:net';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv[2];
const jest = `${root}node_modules/jest/bin/jest.js`;

const pg = new URL(process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432');
const mq = new URL(process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672');

function reachable(host, port) {
  return new Promise((resolve) => {
    const s = createConnection({ host, port: Number(port) }, () => {
      s.end();
      resolve(true);
    });
    s.on('error', () => resolve(false));
    s.setTimeout(2000, () => {
      s.destroy();
      resolve(false);
    });
  });
}

async function needServices() {
  const missing = [];
  if (!(await reachable(pg.hostname, pg.port || 5432))) missing.push(`Postgres at ${pg.hostname}:${pg.port || 5432}`);
  if (!(await reachable(mq.hostname, mq.port || 5672))) missing.push(`RabbitMQ at ${mq.hostname}:${mq.port || 5672}`);
  if (missing.length) {
    console.error(`The tests need ${missing.join(' and ')}, which ${missing.length > 1 ? 'are' : 'is'} not reachable.`);
    console.error(
      'tools/test-services.sh installs and starts them (see README.md); or point TEST_PG_URL / TEST_AMQP_URL elsewhere.',
    );
    process.exit(1);
  }
}

function step(name, cmd, args) {
  const t = Date.now();
  console.log(`\n=== ${name}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });
  const s = ((Date.now() - t) / 1000).toFixed(1);
  if (r.status !== 0) {
    console.error(`\n=== ${name} FAILED after ${s} s`);
    process.exit(r.status ?? 1);
  }
  console.log(`=== ${name} passed in ${s} s`);
}

const started = Date.now();
const node = process.execPath;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
if (!only || only === 'static') {
  step('build', node, [`${root}tools/build.mjs`]);
  step('typecheck', node, [`${root}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.json', '--noEmit']);
  step('lint', npm, ['run', 'lint', '--silent']);
  step('formatting (npm run format fixes it)', node, [
    `${root}node_modules/prettier/bin/prettier.cjs`,
    '--check',
    '--log-level',
    'warn',
    '.',
  ]);
}
if (!only || only === 'unit') step('unit tests', node, [jest, '--selectProjects', 'unit']);
if (!only || only === 'int' || only === 'e2e') await needServices();
if (!only || only === 'int') step('integration tests', node, [jest, '--selectProjects', 'int', '--maxWorkers', '2']);
if (!only || only === 'e2e') {
  if (only) step('build', node, [`${root}tools/build.mjs`]);
  step('end-to-end and compatibility tests', node, [jest, '--selectProjects', 'e2e', '--runInBand']);
}
console.log(`\nAll tests passed in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
