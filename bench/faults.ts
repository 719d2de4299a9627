/**
 * bench/faults: issue 7's faults, each injected into real processes (two engines, the simulator
 * with latency) several times, with a table of what every run left. Run after `npm run build`:
 *
 *   npm run bench:faults                    # every scenario, 5 runs each
 *   npm run bench:faults -- --runs 2        # fewer runs
 *   npm run bench:faults -- --only SIGKILL  # scenarios whose name contains the text
 *
 * Columns: seconds from the request to the action's end; how the action ended; servers and nodes
 * of the cluster afterwards; FAILED node actions; orphans (servers no node names), ghosts (nodes
 * naming no server), duplicates (nodes with two servers), stuck (busy nodes without an action),
 * open (actions not ended); what of Grove's the simulator held after the cluster's delete; and
 * the cloud calls the simulator answered during the operation, with how many it failed on purpose.
 * The same scenarios run once each as tests in test/faults.
 */
import { FAULT_SCENARIOS, runFaultScenario, type FaultRun } from '@grove/testing';
import { machine } from './support';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const RUNS = Number(arg('--runs') ?? 5);
const only = arg('--only');

const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;

function summarise(name: string, runs: FaultRun[]): string {
  const sum = (f: (r: FaultRun) => number) => runs.reduce((n, r) => n + f(r), 0);
  const seconds = runs.map((r) => r.seconds);
  const mean = (f: (r: FaultRun) => number) => Math.round(sum(f) / runs.length);
  return row([
    name,
    runs.length,
    runs.filter((r) => r.status === 'SUCCEEDED').length,
    `${Math.min(...seconds).toFixed(1)}–${Math.max(...seconds).toFixed(1)}`,
    sum((r) => r.failedNodeActions),
    `${sum((r) => r.orphans.length)} / ${sum((r) => r.ghosts.length)} / ${sum((r) => r.duplicates.length)}`,
    `${sum((r) => r.stuck.length)} / ${sum((r) => r.unfinished.length)}`,
    sum((r) => r.leftAfterDelete.servers + r.leftAfterDelete.ports + r.leftAfterDelete.floatingIps),
    `${mean((r) => r.cloud.requests)}, ${mean((r) => r.cloud.injectedFailures)}`,
  ]);
}

async function main(): Promise<void> {
  console.log(`bench/faults on ${await machine()}, ${RUNS} runs per scenario\n`);
  console.log(
    row([
      'scenario',
      'run',
      's',
      'status',
      'servers',
      'nodes',
      'failed nodes',
      'orphans',
      'ghosts',
      'dupes',
      'stuck',
      'open',
      'left after delete',
      'cloud calls (failed)',
    ]),
  );
  console.log(row(Array(14).fill('---')));
  let bad = 0;
  const summary: string[] = [];
  for (const s of Object.values(FAULT_SCENARIOS)) {
    const runs: FaultRun[] = [];
    if (only && !s.name.includes(only)) continue;
    for (let i = 1; i <= RUNS; i++) {
      let r: FaultRun;
      try {
        r = await runFaultScenario(s);
      } catch (e) {
        bad++;
        console.log(row([s.name, i, '-', `error: ${(e as Error).message.split('\n')[0]}`, ...Array(10).fill('-')]));
        continue;
      }
      const left = r.leftAfterDelete.servers + r.leftAfterDelete.ports + r.leftAfterDelete.floatingIps;
      const clean =
        r.status === 'SUCCEEDED' &&
        !r.failedNodeActions &&
        !r.orphans.length &&
        !r.ghosts.length &&
        !r.duplicates.length &&
        !r.stuck.length &&
        !r.unfinished.length &&
        !left;
      if (!clean) bad++;
      runs.push(r);
      console.log(
        row([
          s.name,
          i,
          r.seconds.toFixed(1),
          r.status === 'SUCCEEDED' ? r.status : `${r.status}: ${r.statusReason.slice(0, 80)}`,
          r.servers,
          r.nodes,
          r.failedNodeActions,
          r.orphans.length,
          r.ghosts.length,
          r.duplicates.length,
          r.stuck.length,
          r.unfinished.length,
          left,
          `${r.cloud.requests} (${r.cloud.injectedFailures})`,
        ]),
      );
    }
    if (runs.length) summary.push(summarise(s.name, runs));
  }
  console.log(`\n${bad} run(s) not clean\n`);
  console.log(
    row([
      'scenario',
      'runs',
      'SUCCEEDED',
      's (min–max)',
      'failed node actions',
      'orphans / ghosts / dupes',
      'stuck / open',
      'left after delete',
      'cloud calls, failed on purpose (mean)',
    ]),
  );
  console.log(row(Array(9).fill('---')));
  for (const line of summary) console.log(line);
  console.log('The API fuzzer (requests, 5xx): FUZZ_RUNS=2000 npx jest -c jest.config.js apps/api/src/http/generative');
  process.exitCode = bad ? 1 : 0;
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
