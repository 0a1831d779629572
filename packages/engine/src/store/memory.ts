import type { CheckpointStore, ChildRecord, ExecutionRecord } from './types.js';

/** Keeps checkpoints in this process only: executions survive nothing, but describe/redrive work. */
export function createMemoryCheckpointStore(): CheckpointStore {
  const executions = new Map<string, ExecutionRecord>();
  const children = new Map<string, Map<number, ChildRecord>>();
  const key = (arn: string, mapRunId: string) => `${arn}\n${mapRunId}`;
  return {
    async saveExecution(record) {
      executions.set(record.executionArn, structuredClone(record));
      // Only a failed execution can be redriven; a succeeded one never reads its children again.
      if (record.status === 'SUCCEEDED') {
        for (const k of children.keys()) if (k.startsWith(`${record.executionArn}\n`)) children.delete(k);
      }
    },
    async loadExecution(arn) {
      const r = executions.get(arn);
      return r && structuredClone(r);
    },
    async listRunning(stateMachineArn) {
      return [...executions.values()]
        .filter((r) => r.status === 'RUNNING' && r.stateMachineArn === stateMachineArn)
        .map((r) => structuredClone(r));
    },
    async saveChild(arn, mapRunId, record) {
      const k = key(arn, mapRunId);
      const m = children.get(k) ?? new Map<number, ChildRecord>();
      children.set(k, m);
      m.set(record.index, record);
    },
    async loadChildren(arn, mapRunId) {
      return new Map(children.get(key(arn, mapRunId)) ?? []);
    },
  };
}
