import type { MapRunCounts, MapRunDescription, Workflow } from '@platescale/shared';

const zero: MapRunCounts = {
  pending: 0,
  running: 0,
  succeeded: 0,
  failed: 0,
  timedOut: 0,
  aborted: 0,
  total: 0,
  resultsWritten: 0,
};

/** A Workflow whose Map Run counters the test sets; records what the API asked of it. */
export function fakeWorkflow() {
  const started: { name: string; input: unknown }[] = [];
  const stopped: string[] = [];
  const redriven: string[] = [];
  const counts = new Map<string, MapRunCounts>();
  const arn = (name: string) => `arn:aws:states:local:000000000000:execution:analysis:${name}`;
  const workflow: Workflow = {
    async start(name, input) {
      started.push({ name, input });
      return { executionArn: arn(name), startDate: new Date() };
    },
    async describe(executionArn) {
      return {
        executionArn,
        stateMachineArn: 'sm',
        name: executionArn,
        status: 'RUNNING',
        startDate: new Date(),
        input: {},
      };
    },
    async mapRuns(executionArn): Promise<MapRunDescription[]> {
      const itemCounts = counts.get(executionArn);
      if (!itemCounts) return [];
      return [
        {
          mapRunArn: `${executionArn}:map`,
          executionArn,
          status: 'RUNNING',
          startDate: new Date(),
          maxConcurrency: 1,
          toleratedFailurePercentage: 0,
          toleratedFailureCount: 0,
          itemCounts,
          executionCounts: itemCounts,
        },
      ];
    },
    async history() {
      return [];
    },
    async stop(executionArn) {
      stopped.push(executionArn);
    },
    async redrive(executionArn) {
      redriven.push(executionArn);
    },
  };
  return {
    workflow,
    started,
    stopped,
    redriven,
    setCounts(jobId: string, c: Partial<MapRunCounts>) {
      counts.set(arn(jobId), { ...zero, ...c });
    },
  };
}
