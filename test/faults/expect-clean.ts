import { FAULT_SCENARIOS, runFaultScenario, type FaultRun } from '@grove/testing';

/**
 * Runs one of issue 7's fault scenarios and asserts what each must leave: the action ended within
 * its timeout, nothing RUNNING, no node busy without an open action, no orphan server, no ghost
 * node, no node with two servers, and after the cluster's delete nothing of Grove's in the cloud.
 * Every one of these faults must leave the action SUCCEEDED: each is one Grove rides through.
 */
export function faultTest(name: string): void {
  describe(name, () => {
    it('ends every action, leaves nothing busy, and keeps the cloud and the database in agreement', async () => {
      const scenario = FAULT_SCENARIOS[name];
      const run: FaultRun = await runFaultScenario(scenario);
      expect(run.seconds).toBeLessThan(scenario.timeoutS);
      const expected = scenario.operation === 'scale-in' ? 20 : scenario.nodes;
      expect({
        status: `${run.status}: ${run.status === 'SUCCEEDED' ? '' : run.statusReason}`,
        failedNodeActions: run.failedReasons,
        unfinished: run.unfinished,
        stuck: run.stuck,
        orphans: run.orphans,
        ghosts: run.ghosts,
        duplicates: run.duplicates,
        servers: run.servers,
        nodes: run.nodes,
        leftAfterDelete: run.leftAfterDelete,
        evidenceMissing: run.evidenceMissing,
      }).toEqual({
        status: 'SUCCEEDED: ',
        failedNodeActions: [],
        unfinished: [],
        stuck: [],
        orphans: [],
        ghosts: [],
        duplicates: [],
        servers: expected,
        nodes: expected,
        leftAfterDelete: { servers: 0, ports: 0, floatingIps: 0 },
        evidenceMissing: [],
      });
    }, 420_000);
  });
}
