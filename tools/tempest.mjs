// `npm run test:tempest`: the upstream Senlin conformance suite (Debian's tempest and
// senlin-tempest-plugin, its api and functional tests) against Grove. Kept out of `npm test`.
//
// It builds Grove if the build is stale, starts a Keystone (test/tempest/keystone.sh), Grove
// all-in-one on free ports with its own data folder and simulator seed, and the test-only auth proxy
// in front of Grove (test/tempest/auth-proxy.ts) that the catalog's `clustering` endpoint names; then
// it writes tempest.conf, runs tempest, prints the summary and stops everything it started.
//
//   npm run test:tempest [-- [--concurrency N] [--serial] [REGEX]]
//
// REGEX defaults to the api and functional tests; integration tests need Nova, Heat and Zaqar and are
// out of scope. Everything lives in $TEMPEST_STATE_DIR (default .grove/tempest); each run's logs and
// results are in its run/ folder, which the next run replaces. Exit status: 0 when nothing failed.
import { spawn, spawnSync } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const here = join(root, 'test/tempest');
const state = resolve(process.env.TEMPEST_STATE_DIR ?? join(root, '.grove/tempest'));
const run = join(state, 'run');
const workspace = join(state, 'workspace');
const DEFAULT_REGEX = '^senlin_tempest_plugin\\.tests\\.(api|functional)\\.';

const argv = process.argv.slice(2);
// Four workers, not two: tests mostly sleep between status polls (a full run took 59 min with 2, 31 with 4).
let concurrency = Number(process.env.TEMPEST_CONCURRENCY ?? 4);
let regex = DEFAULT_REGEX;
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--serial') concurrency = 1;
  else if (argv[i] === '--concurrency') concurrency = Number(argv[++i]);
  else regex = argv[i];
}

const started = Date.now();
const stops = []; // run in reverse order at the end, whatever happens
const secs = (t) => `${((Date.now() - t) / 1000).toFixed(1)} s`;
const say = (m) => console.log(`[tempest] ${m}`);

// The caller's OpenStack settings (OS_CLOUD, OS_AUTH_TYPE=none for noauth Grove) and Grove settings
// must not reach the processes started here; pyenv's python must not shadow Debian's for tempest.
function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(OS_|DATABASE_URL$|AMQP_|CLOUD_|SIMULATOR_|API_|GROVE_|PYTHON)/.test(k)) continue;
    env[k] = v;
  }
  env.PATH = `/usr/sbin:/usr/bin:/sbin:/bin:${process.env.PATH ?? ''}`;
  return { ...env, ...extra };
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}`);
  return r.stdout;
}

/** Newest modification time under the given folders (skipping tests), in ms. */
function newest(dirs) {
  let t = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (!/\.(int-|e2e-)?test\.ts$/.test(e.name)) t = Math.max(t, statSync(p).mtimeMs);
    }
  };
  for (const d of dirs) if (existsSync(d)) walk(d);
  return t;
}

function buildIfStale() {
  const main = join(root, 'dist/apps/api/src/main.js');
  const sources = ['apps', 'libs', 'migrations', 'bench'].map((d) => join(root, d));
  if (!existsSync(main) || newest(sources) > statSync(main).mtimeMs) {
    say('building Grove (npm run build)');
    sh(process.execPath, [join(root, 'tools/build.mjs')], { stdio: 'inherit' });
  }
  // The harness's own TypeScript (the auth proxy), compiled next to the build.
  sh(process.execPath, [join(root, 'node_modules/@swc/cli/bin/swc.js'), 'test/tempest', '-d', 'dist', '--quiet'], {
    cwd: root,
    stdio: 'inherit',
  });
}

/** Starts a long-running child in its own process group, its output to `logFile`. */
function startProcess(name, cmd, args, env, logFile) {
  const out = createWriteStream(logFile);
  const child = spawn(cmd, args, { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  let exited = null;
  const done = new Promise((res) =>
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      res();
    }),
  );
  stops.push(async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = new Promise((res) => setTimeout(res, 20_000));
    await Promise.race([done, timer]);
    // Whatever it left behind in its group (an embedded Postgres) goes too.
    try {
      process.kill(-child.pid, exited ? 'SIGTERM' : 'SIGKILL');
    } catch {
      /* group already gone */
    }
    await Promise.race([done, new Promise((res) => setTimeout(res, 5_000))]);
    say(`stopped ${name}`);
  });
  return { child, exited: () => exited, logFile };
}

async function waitFor(name, url, proc, timeoutMs = 180_000) {
  const t = Date.now();
  while (Date.now() - t < timeoutMs) {
    if (proc.exited()) {
      const log = readFileSync(proc.logFile, 'utf8').split('\n').slice(-30).join('\n');
      throw new Error(`${name} exited (${JSON.stringify(proc.exited())}) before it answered; ${proc.logFile}:\n${log}`);
    }
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (r.status < 500) return;
    } catch {
      /* not up yet */
    }
    await new Promise((res) => setTimeout(res, 250));
  }
  throw new Error(`${name} did not answer ${url} within ${timeoutMs / 1000} s; see ${proc.logFile}`);
}

/**
 * Before tempest's hour starts: the proxy refuses a missing or bad token, lets the admin's token
 * through with its roles (GET /v1/services is admin only) and cannot be fooled by identity headers.
 */
async function checkProxy(proxyUrl, os) {
  const login = await fetch(`${os.OS_AUTH_URL}/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: os.OS_USERNAME, password: os.OS_PASSWORD, domain: { name: 'Default' } } },
        },
        scope: { project: { name: os.OS_PROJECT_NAME, domain: { name: 'Default' } } },
      },
    }),
  });
  const token = login.headers.get('x-subject-token');
  const spoof = { 'X-Roles': 'admin', 'X-Project-Id': 'someone-else' };
  const status = async (headers) => (await fetch(`${proxyUrl}/v1/services`, { headers })).status;
  const got = {
    none: await status(spoof),
    bad: await status({ ...spoof, 'X-Auth-Token': 'not-a-token' }),
    admin: await status({ 'X-Auth-Token': token }),
  };
  if (got.none !== 401 || got.bad !== 401 || got.admin !== 200) {
    throw new Error(`auth proxy misbehaves: GET /v1/services answered ${JSON.stringify(got)}`);
  }
}

function simulatorSeed() {
  const seed = JSON.parse(readFileSync(join(root, 'libs/cloud-simulator/src/seed/default-seed.json'), 'utf8'));
  const extras = JSON.parse(readFileSync(join(here, 'simulator-seed-extras.json'), 'utf8'));
  for (const [k, v] of Object.entries(extras)) seed[k] = [...seed[k], ...v];
  const file = join(run, 'simulator-seed.json');
  writeFileSync(file, JSON.stringify(seed, null, 2));
  return file;
}

function tempestConf(os) {
  return `# Written by tools/tempest.mjs for each run.
[DEFAULT]
log_dir = ${run}
log_file = tempest.log
debug = true

[auth]
use_dynamic_credentials = true
create_isolated_networks = false
admin_username = ${os.OS_USERNAME}
admin_password = ${os.OS_PASSWORD}
admin_project_name = ${os.OS_PROJECT_NAME}
admin_domain_name = ${os.OS_USER_DOMAIN_NAME}
default_credentials_domain_name = ${os.OS_USER_DOMAIN_NAME}

[identity]
uri_v3 = ${os.OS_AUTH_URL}
auth_version = v3
region = ${os.OS_REGION_NAME}
v3_endpoint_type = public

[identity-feature-enabled]
api_v2 = false
api_v3 = true

[service_available]
senlin = true
nova = false
neutron = false
glance = false
cinder = false
swift = false
heat = false
zaqar = false

[clustering]
catalog_type = clustering
min_microversion = 1.0
max_microversion = latest
wait_timeout = 180
delete_with_dependency = true
health_policy_version = 1.1
`;
}

function tempestInit() {
  if (existsSync(join(workspace, '.stestr.conf'))) return;
  rmSync(workspace, { recursive: true, force: true });
  rmSync(join(state, 'workspaces.yaml'), { force: true });
  // --workspace-path keeps tempest's workspace registry here instead of ~/.tempest.
  sh('tempest', ['init', '--workspace-path', join(state, 'workspaces.yaml'), '--name', 'grove', workspace], {
    env: cleanEnv(),
    stdio: 'inherit',
  });
  // Its logging.conf would send every worker's log to ./tempest.log opened with 'w+', so that
  // concurrent workers truncate each other's; without it tempest.conf's log_dir/log_file apply.
  rmSync(join(workspace, 'etc/logging.conf'), { force: true });
}

function runTempest(env) {
  return new Promise((res) => {
    const log = createWriteStream(join(run, 'tempest-run.log'));
    const args = ['run', '--config-file', join(workspace, 'etc/tempest.conf'), '--regex', regex];
    args.push('--exclude-list', join(here, 'exclude-list.txt'));
    args.push(...(concurrency > 1 ? ['--concurrency', String(concurrency)] : ['--serial']));
    say(`tempest ${args.join(' ')}`);
    const child = spawn('tempest', args, { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const s of [child.stdout, child.stderr]) {
      s.on('data', (d) => {
        process.stdout.write(d);
        log.write(d);
      });
    }
    stops.push(async () => {
      if (child.exitCode === null) child.kill('SIGINT');
    });
    child.on('exit', (code) => log.end(() => res(code ?? 1)));
  });
}

/** Each failed test with the exception that ended it (the unindented lines after its last traceback). */
function digest(failing) {
  const out = [];
  for (const block of failing.split(/^={70}$/m)) {
    const name = /^(?:FAIL|ERROR): (\S+)/m.exec(block)?.[1];
    if (!name) continue;
    const tail = block.slice(block.lastIndexOf('Traceback (most recent call last):'));
    const exception = tail
      .split('\n')
      .slice(1)
      .filter((l) => l.trim() && !/^\s/.test(l) && !/^(Ran \d+ tests? in |FAILED \(|OK\b)/.test(l));
    out.push(name.replace(/\[.*\]$/, ''), ...exception.map((l) => `    ${l}`), '');
  }
  return out.join('\n');
}

/** Counts and lists from the last stestr run; writes summary.txt, results.subunit, junit.xml. */
function summarize(env) {
  const opts = { cwd: workspace, env, maxBuffer: 512 * 1024 * 1024 };
  const subunit = spawnSync('stestr', ['last', '--subunit'], { ...opts, encoding: 'buffer' }).stdout;
  writeFileSync(join(run, 'results.subunit'), subunit);
  spawnSync('subunit2junitxml', ['-o', join(run, 'junit.xml')], { ...opts, input: subunit });
  const csv = spawnSync('subunit2csv', [], { ...opts, input: subunit, encoding: 'utf8' }).stdout ?? '';
  const by = { passed: [], failed: [], skipped: [] };
  const kind = { success: 'passed', skip: 'skipped', xfail: 'passed' }; // anything else failed
  // Test ids hold commas inside their [tags], so CSV quotes them.
  for (const m of csv.matchAll(/^(?:"([^"]*)"|([^,\n]*)),([a-z]+),/gm)) {
    const test = (m[1] ?? m[2]).replace(/\[.*\]$/, '');
    if (test === 'test') continue; // the header
    // setUpClass/tearDownClass rows stand for a whole class whose setup or cleanup failed.
    by[kind[m[3]] ?? 'failed'].push(test);
  }
  const failing = spawnSync('stestr', ['failing'], { ...opts, encoding: 'utf8' }).stdout ?? '';
  writeFileSync(join(run, 'failures.txt'), failing);
  writeFileSync(join(run, 'failures-digest.txt'), digest(failing));
  const line = `${by.passed.length} passed, ${by.failed.length} failed, ${by.skipped.length} skipped`;
  const text = [
    `tempest against Grove: ${line} (${secs(started)} in all)`,
    '',
    `failed (${by.failed.length}):`,
    ...by.failed.sort().map((t) => `  ${t}`),
    '',
    `skipped (${by.skipped.length}):`,
    ...by.skipped.sort().map((t) => `  ${t}`),
    '',
    `passed (${by.passed.length}):`,
    ...by.passed.sort().map((t) => `  ${t}`),
    '',
  ].join('\n');
  writeFileSync(join(run, 'summary.txt'), text);
  return { by, line };
}

async function stopAll() {
  while (stops.length) {
    const stop = stops.pop();
    await stop().catch((e) => console.error(`[tempest] while stopping: ${e.message}`));
  }
}

process.on('SIGINT', () => {
  say('interrupted; stopping what was started');
  void stopAll().then(() => process.exit(130));
});

async function main() {
  rmSync(run, { recursive: true, force: true });
  mkdirSync(run, { recursive: true });
  buildIfStale();
  sh(join(here, 'apt-install.sh'), ['tempest', 'python3-tempest', 'senlin-tempest-plugin', 'python3-junitxml'], {
    stdio: 'inherit',
  });

  const [apiPort, proxyPort, simPort, dockerPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const proxyUrl = `http://127.0.0.1:${proxyPort}`;

  let t = Date.now();
  const ksEnv = { ...cleanEnv(), STATE_DIR: state, CLUSTERING_URL: proxyUrl };
  const wasRunning = spawnSync(join(here, 'keystone.sh'), ['status'], { env: ksEnv, stdio: 'ignore' }).status === 0;
  if (!wasRunning) stops.push(async () => sh(join(here, 'keystone.sh'), ['stop'], { env: ksEnv }));
  const os = Object.fromEntries(
    [...sh(join(here, 'keystone.sh'), ['start'], { env: ksEnv }).matchAll(/^export (OS_\w+)=(.*)$/gm)].map((m) => [
      m[1],
      m[2],
    ]),
  );
  say(`Keystone at ${os.OS_AUTH_URL} (${secs(t)})`);

  t = Date.now();
  const groveEnv = cleanEnv({
    API_HOST: '127.0.0.1',
    API_PORT: String(apiPort),
    API_PUBLIC_URL: proxyUrl,
    SIMULATOR_PORT: String(simPort),
    SIMULATOR_DOCKER_PORT: String(dockerPort),
    SIMULATOR_SEED_FILE: simulatorSeed(),
    GROVE_DATA_DIR: join(run, 'grove'),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    // The plugin's functional health test asks for a 10 s interval; Senlin's gate lowers its
    // health_check_interval_min (default 60) the same way.
    HEALTH_CHECK_INTERVAL_MIN_S: '10',
  });
  const grove = startProcess(
    'Grove',
    process.execPath,
    [join(root, 'dist/apps/api/src/main.js'), '--all-in-one'],
    groveEnv,
    join(run, 'grove.log'),
  );
  await waitFor('Grove', `http://127.0.0.1:${apiPort}/readyz`, grove);
  say(`Grove all-in-one at http://127.0.0.1:${apiPort} (${secs(t)}; log ${grove.logFile})`);

  const proxy = startProcess(
    'auth proxy',
    process.execPath,
    [join(root, 'dist/test/tempest/auth-proxy.js')],
    cleanEnv({ ...os, PROXY_PORT: String(proxyPort), GROVE_URL: `http://127.0.0.1:${apiPort}` }),
    join(run, 'auth-proxy.log'),
  );
  await waitFor('auth proxy', `${proxyUrl}/`, proxy);
  await checkProxy(proxyUrl, os);
  say(`auth proxy at ${proxyUrl} (a bad token gets 401, the admin's token reaches Grove as admin)`);

  tempestInit();
  writeFileSync(join(workspace, 'etc/tempest.conf'), tempestConf(os));
  t = Date.now();
  const tempestEnv = cleanEnv({ PYTHON: '/usr/bin/python3' });
  const code = await runTempest(tempestEnv);
  say(`tempest exited ${code} after ${secs(t)}`);
  const { by, line } = summarize(tempestEnv);
  await stopAll();

  console.log(`\nResults in ${run}: summary.txt, failures.txt, results.subunit, junit.xml, tempest.log, grove.log`);
  if (by.failed.length) console.log(`failed:\n${by.failed.map((f) => `  ${f}`).join('\n')}`);
  console.log(`tempest: ${line}`);
  console.log(`Whole run: ${secs(started)}.`);
  process.exit(by.failed.length || (code !== 0 && !by.passed.length) ? 1 : 0);
}

main().catch(async (e) => {
  console.error(`[tempest] ${e.stack ?? e}`);
  await stopAll();
  process.exit(1);
});
